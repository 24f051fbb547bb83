import { defineHandler } from "../../../../data/define-handler.ts";
import { explainRequest, readExplainQuery } from "../../../../data/explain.ts";

// GET /api/v1/explain — which route, pool, target and cache rule a proxy node would serve ?url&method with, and why (?nodeId)
export const GET = defineHandler({}, ({ actor, request }) =>
  explainRequest(actor, readExplainQuery(request.url)),
);
