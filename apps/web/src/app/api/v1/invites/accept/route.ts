import { definePublicHandler } from "../../../../../data/define-handler.ts";
import { AcceptInviteSchema, acceptInvite } from "../../../../../data/users.ts";

// POST /api/v1/invites/accept — set a password with a one-time invite token
export const POST = definePublicHandler({ body: AcceptInviteSchema }, ({ body }) =>
  acceptInvite(body),
);
