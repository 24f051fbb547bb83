import { defineHandler } from "../../../../data/define-handler.ts";
import { getTraffic, readTrafficQuery } from "../../../../data/traffic.ts";

// GET /api/v1/traffic — traffic history from rollups (?from&to&step&groupBy&routeId&poolId&nodeId)
export const GET = defineHandler({}, ({ actor, request }) =>
  getTraffic(actor, readTrafficQuery(request.url)),
);
