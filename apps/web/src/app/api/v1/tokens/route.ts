import { defineHandler } from "../../../../data/define-handler.ts";
import { CreateTokenSchema, createToken, listTokens } from "../../../../data/tokens.ts";

// GET /api/v1/tokens — live API tokens: all for admins, one's own otherwise
export const GET = defineHandler({}, ({ actor }) => listTokens(actor));

// POST /api/v1/tokens — create a token acting as the caller; the secret is shown once
export const POST = defineHandler({ body: CreateTokenSchema, status: 201 }, ({ actor, body }) =>
  createToken(actor, body),
);
