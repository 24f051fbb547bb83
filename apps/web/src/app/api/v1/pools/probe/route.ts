import { defineHandler } from "../../../../../data/define-handler.ts";
import { ProbeTargetsSchema, probeTargets } from "../../../../../data/pools.ts";

// POST /api/v1/pools/probe — does each {urls} answer, asked from the dashboard server (editor)
export const POST = defineHandler({ body: ProbeTargetsSchema }, ({ actor, body }) =>
  probeTargets(actor, body),
);
