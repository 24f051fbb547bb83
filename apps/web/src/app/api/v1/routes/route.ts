import { RouteInputSchema } from "@concierge/config/route";

import { defineHandler } from "../../../../data/define-handler.ts";
import { readRevisionMessage } from "../../../../data/revisions.ts";
import { createRoute, listRoutes } from "../../../../data/routes.ts";

// GET /api/v1/routes — every route with its cache rule
export const GET = defineHandler({}, ({ actor }) => listRoutes(actor));

// POST /api/v1/routes — create a route (editor; ?message= notes the revision); answers the route and the new revision
export const POST = defineHandler(
  { body: RouteInputSchema, status: 201 },
  ({ actor, body, client, request }) =>
    createRoute(actor, body, client, readRevisionMessage(request.url)),
);
