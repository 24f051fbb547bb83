import { defineHandler } from "../../../../../data/define-handler.ts";
import { getRequestSamples, readRequestSamplesQuery } from "../../../../../data/traffic-requests.ts";

// GET /api/v1/traffic/requests — sampled slow and failed requests, newest first (?from&to&kind&routeId&poolId&targetId&nodeId&limit)
export const GET = defineHandler({}, ({ actor, request }) =>
  getRequestSamples(actor, readRequestSamplesQuery(request.url)),
);
