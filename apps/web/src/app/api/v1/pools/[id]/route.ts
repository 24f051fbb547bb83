import { defineHandler } from "../../../../../data/define-handler.ts";
import { MergePatchSchema } from "../../../../../data/merge-patch.ts";
import { deletePool, getPool, updatePool } from "../../../../../data/pools.ts";

// GET /api/v1/pools/{id} — one pool
export const GET = defineHandler({}, ({ actor, params }) => getPool(actor, params.id ?? ""));

// PATCH /api/v1/pools/{id} — JSON merge patch (RFC 7396) over the pool (editor)
export const PATCH = defineHandler({ body: MergePatchSchema }, ({ actor, params, body, client }) =>
  updatePool(actor, params.id ?? "", body, client),
);

// DELETE /api/v1/pools/{id} — remove a pool no route uses (editor)
export const DELETE = defineHandler({}, ({ actor, params, client }) =>
  deletePool(actor, params.id ?? "", client),
);
