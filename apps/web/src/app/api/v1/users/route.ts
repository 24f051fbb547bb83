import { defineHandler } from "../../../../data/define-handler.ts";
import { CreateUserSchema, createUser, listUsers } from "../../../../data/users.ts";

// GET /api/v1/users — every user (admin)
export const GET = defineHandler({}, ({ actor }) => listUsers(actor));

// POST /api/v1/users — add a user (admin); without a password the answer holds an invite link
export const POST = defineHandler({ body: CreateUserSchema, status: 201 }, ({ actor, body }) =>
  createUser(actor, body),
);
