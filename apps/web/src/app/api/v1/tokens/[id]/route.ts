import { defineHandler } from "../../../../../data/define-handler.ts";
import { revokeToken } from "../../../../../data/tokens.ts";

// DELETE /api/v1/tokens/{id} — revoke a token
export const DELETE = defineHandler({}, ({ actor, params }) => revokeToken(actor, params.id ?? ""));
