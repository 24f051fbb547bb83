import { defineHandler } from "../../../../../data/define-handler.ts";
import { MergePatchSchema } from "../../../../../data/merge-patch.ts";
import { readRevisionMessage } from "../../../../../data/revisions.ts";
import { deleteRoute, getRoute, updateRoute } from "../../../../../data/routes.ts";

// GET /api/v1/routes/{id} — one route
export const GET = defineHandler({}, ({ actor, params }) => getRoute(actor, params.id ?? ""));

// PATCH /api/v1/routes/{id} — JSON merge patch (RFC 7396) over the route (editor; ?message= notes the revision)
export const PATCH = defineHandler(
  { body: MergePatchSchema },
  ({ actor, params, body, client, request }) =>
    updateRoute(actor, params.id ?? "", body, client, readRevisionMessage(request.url)),
);

// DELETE /api/v1/routes/{id} — remove a route (editor; ?message= notes the revision)
export const DELETE = defineHandler({}, ({ actor, params, client, request }) =>
  deleteRoute(actor, params.id ?? "", client, readRevisionMessage(request.url)),
);
