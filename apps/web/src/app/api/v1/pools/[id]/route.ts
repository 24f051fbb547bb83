import { defineHandler } from "../../../../../data/define-handler.ts";
import { MergePatchSchema } from "../../../../../data/merge-patch.ts";
import { deletePool, getPool, updatePool } from "../../../../../data/pools.ts";
import { readRevisionMessage } from "../../../../../data/revisions.ts";

// GET /api/v1/pools/{id} — one pool
export const GET = defineHandler({}, ({ actor, params }) => getPool(actor, params.id ?? ""));

// PATCH /api/v1/pools/{id} — JSON merge patch (RFC 7396) over the pool (editor; ?message= notes the revision)
export const PATCH = defineHandler(
  { body: MergePatchSchema },
  ({ actor, params, body, client, request }) =>
    updatePool(actor, params.id ?? "", body, client, readRevisionMessage(request.url)),
);

// DELETE /api/v1/pools/{id} — remove a pool no route uses (editor; ?message= notes the revision)
export const DELETE = defineHandler({}, ({ actor, params, client, request }) =>
  deletePool(actor, params.id ?? "", client, readRevisionMessage(request.url)),
);
