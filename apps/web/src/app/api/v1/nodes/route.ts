import { defineHandler } from "../../../../data/define-handler.ts";
import { listNodeStatuses } from "../../../../data/nodes.ts";

// GET /api/v1/nodes — proxy nodes with up/down, version, revision applied, last heartbeat and error
export const GET = defineHandler({}, ({ actor }) => listNodeStatuses(actor));
