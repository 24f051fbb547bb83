import { ConflictError, NotFoundError } from "@concierge/db/errors";
import { hashPassword } from "@concierge/db/password";
import { createApiTokenRepository } from "@concierge/db/repositories/api-tokens";
import { recordAuditEntry } from "@concierge/db/repositories/audit";
import { createSessionRepository } from "@concierge/db/repositories/sessions";
import { createUserRepository, type UserRecord } from "@concierge/db/repositories/users";
import { hashToken } from "@concierge/db/token-hash";
import { z } from "zod";

import type { Actor } from "../auth/actor.ts";
import { requireRole } from "../auth/roles.ts";
import { createSecretToken } from "../auth/secret-token.ts";
import { env } from "../env.ts";
import { disconnectUser } from "../realtime/socket-revocation.ts";
import { db } from "./db.ts";
import { InvalidInputError } from "./errors.ts";
import { NewPasswordSchema } from "./passwords.ts";

const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const RoleSchema = z.enum(["admin", "editor", "viewer"]);

export const CreateUserSchema = z.strictObject({
  email: z.email({ message: "must be an email address" }).trim().toLowerCase(),
  /** Absent: the answer carries a one-time invite link, valid for 7 days. */
  password: NewPasswordSchema.optional(),
  role: RoleSchema,
});
export type CreateUser = z.output<typeof CreateUserSchema>;

export const UpdateUserSchema = z.strictObject({
  role: RoleSchema.optional(),
  disabled: z.boolean().optional(),
  /** Set by an admin: the user's sessions end, and they must choose their own at next sign-in. */
  password: NewPasswordSchema.optional(),
});
export type UpdateUser = z.output<typeof UpdateUserSchema>;

export const AcceptInviteSchema = z.strictObject({
  token: z.string().min(1).max(256),
  password: NewPasswordSchema,
});
export type AcceptInvite = z.output<typeof AcceptInviteSchema>;

export interface UserDto {
  id: string;
  email: string;
  role: UserRecord["role"];
  disabled: boolean;
  mustChangePassword: boolean;
  createdAt: Date;
}

function toUserDto(user: UserRecord): UserDto {
  const { id, email, role, mustChangePassword, createdAt } = user;
  return { id, email, role, disabled: user.disabledAt !== null, mustChangePassword, createdAt };
}

function userNotFound(id: string): NotFoundError {
  return new NotFoundError(`No user has id ${id}`);
}

export async function listUsers(actor: Actor): Promise<UserDto[]> {
  requireRole(actor, "admin");
  return (await createUserRepository(db()).list()).map(toUserDto);
}

export async function createUser(
  actor: Actor,
  input: CreateUser,
): Promise<UserDto & { inviteUrl?: string }> {
  requireRole(actor, "admin");
  const passwordHash =
    input.password === undefined ? undefined : await hashPassword(input.password);
  const invite = passwordHash === undefined ? createSecretToken() : undefined;
  const user = await db().$transaction(async (tx) => {
    const created = await createUserRepository(tx).create({
      email: input.email,
      role: input.role,
      ...(invite === undefined
        ? { passwordHash }
        : {
            inviteTokenHash: hashToken(invite),
            inviteExpiresAt: new Date(Date.now() + INVITE_TTL_MS),
          }),
    });
    await recordAuditEntry(tx, {
      actorId: actor.id,
      action: invite === undefined ? "user.create" : "user.invite",
      entityType: "user",
      entityId: created.id,
      after: { email: created.email, role: created.role },
    });
    return created;
  });
  if (invite === undefined) return toUserDto(user);
  const inviteUrl = new URL(
    `/invite?token=${encodeURIComponent(invite)}`,
    env().CONCIERGE_PUBLIC_URL,
  );
  return { ...toUserDto(user), inviteUrl: inviteUrl.href };
}

/**
 * Changes a user's role or disables them. The last active admin can be neither demoted nor
 * disabled; disabling also ends the user's sessions and revokes their tokens.
 */
export async function updateUser(actor: Actor, id: string, input: UpdateUser): Promise<UserDto> {
  requireRole(actor, "admin");
  if (!z.uuid().safeParse(id).success) throw userNotFound(id);
  const now = new Date();
  const passwordHash =
    input.password === undefined ? undefined : await hashPassword(input.password);
  const updated = await db().$transaction(async (tx) => {
    const users = createUserRepository(tx);
    await users.lockAdminSet();
    const user = await users.findById(id);
    if (user === null) throw userNotFound(id);
    const losesAdmin =
      user.role === "admin" &&
      user.disabledAt === null &&
      ((input.role !== undefined && input.role !== "admin") || input.disabled === true);
    if (losesAdmin && (await users.countActiveAdmins()) <= 1) {
      throw new ConflictError("The last admin cannot be demoted or disabled");
    }
    const disabledAt =
      input.disabled === undefined ? undefined : input.disabled ? (user.disabledAt ?? now) : null;
    const result = await users.update(id, {
      ...(input.role === undefined ? {} : { role: input.role }),
      ...(disabledAt === undefined ? {} : { disabledAt }),
      ...(passwordHash === undefined ? {} : { passwordHash, mustChangePassword: true }),
    });
    if (passwordHash !== undefined) await createSessionRepository(tx).revokeAllOfUser(id, now);
    if (input.disabled === true) {
      await createSessionRepository(tx).revokeAllOfUser(id, now);
      await createApiTokenRepository(tx).revokeAllOfUser(id, now);
    }
    await recordAuditEntry(tx, {
      actorId: actor.id,
      action: "user.update",
      entityType: "user",
      entityId: id,
      before: { role: user.role, disabled: user.disabledAt !== null },
      after: {
        role: result.role,
        disabled: result.disabledAt !== null,
        passwordSet: passwordHash !== undefined,
      },
    });
    return result;
  });
  if (input.disabled === true || passwordHash !== undefined) disconnectUser(id);
  return toUserDto(updated);
}

export async function deleteUser(actor: Actor, id: string): Promise<void> {
  requireRole(actor, "admin");
  if (!z.uuid().safeParse(id).success) throw userNotFound(id);
  await db().$transaction(async (tx) => {
    const users = createUserRepository(tx);
    await users.lockAdminSet();
    const user = await users.findById(id);
    if (user === null) throw userNotFound(id);
    if (
      user.role === "admin" &&
      user.disabledAt === null &&
      (await users.countActiveAdmins()) <= 1
    ) {
      throw new ConflictError("The last admin cannot be removed");
    }
    await users.delete(id);
    await recordAuditEntry(tx, {
      actorId: actor.id,
      action: "user.delete",
      entityType: "user",
      entityId: id,
      before: { email: user.email, role: user.role },
    });
  });
  disconnectUser(id);
}

/** Anonymous: the invite token itself is the credential, and it works once. */
export async function acceptInvite(input: AcceptInvite): Promise<UserDto> {
  const users = createUserRepository(db());
  const user = await users.findByInvite(hashToken(input.token), new Date());
  if (user === null) {
    throw new InvalidInputError("This invite link is invalid or has expired", [
      { path: "token", message: "is invalid or has expired" },
    ]);
  }
  return toUserDto(await users.acceptInvite(user.id, await hashPassword(input.password)));
}
