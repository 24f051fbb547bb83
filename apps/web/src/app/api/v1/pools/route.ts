import { PoolInputSchema } from "@concierge/config/pool";

import { defineHandler } from "../../../../data/define-handler.ts";
import { createPool, listPools } from "../../../../data/pools.ts";
import { readRevisionMessage } from "../../../../data/revisions.ts";

// GET /api/v1/pools — every pool with its targets
export const GET = defineHandler({}, ({ actor }) => listPools(actor));

// POST /api/v1/pools — create a pool (editor; ?message= notes the revision); answers the pool and the new revision
export const POST = defineHandler(
  { body: PoolInputSchema, status: 201 },
  ({ actor, body, client, request }) =>
    createPool(actor, body, client, readRevisionMessage(request.url)),
);
