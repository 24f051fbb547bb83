import { defineHandler } from "../../../../../data/define-handler.ts";
import { ChangePasswordSchema, changePassword } from "../../../../../data/session.ts";

// POST /api/v1/session/password — change one's own password; ends the user's other sessions
export const POST = defineHandler(
  { body: ChangePasswordSchema, allowPendingPasswordChange: true },
  ({ actor, body, client }) => changePassword(actor, body, client),
);
