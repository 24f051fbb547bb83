import { defineHandler } from "../../../../../data/define-handler.ts";
import { UpdateUserSchema, deleteUser, updateUser } from "../../../../../data/users.ts";

// PATCH /api/v1/users/{id} — change role, set a password or disable (admin); never the last admin
export const PATCH = defineHandler({ body: UpdateUserSchema }, ({ actor, params, body }) =>
  updateUser(actor, params.id ?? "", body),
);

// DELETE /api/v1/users/{id} — remove a user (admin); never the last admin
export const DELETE = defineHandler({}, ({ actor, params }) => deleteUser(actor, params.id ?? ""));
