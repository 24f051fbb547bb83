import { defineHandler } from "../../../../../data/define-handler.ts";
import { ProbeTargetsSchema, probeTargets } from "../../../../../data/pools.ts";

// POST /api/v1/pools/probe — does each of {urls, targets} answer, probed from a connected proxy node, `nodeId` or any (editor)
export const POST = defineHandler({ body: ProbeTargetsSchema }, ({ actor, body }) =>
  probeTargets(actor, body),
);
