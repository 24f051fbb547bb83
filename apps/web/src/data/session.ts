import { hashPassword, verifyPassword } from "@concierge/db/password";
import { recordAuditEntry } from "@concierge/db/repositories/audit";
import { createSessionRepository } from "@concierge/db/repositories/sessions";
import { createUserRepository, type Role } from "@concierge/db/repositories/users";
import { hashToken } from "@concierge/db/token-hash";
import { z } from "zod";

import type { Actor } from "../auth/actor.ts";
import type { ClientInfo } from "../auth/client-info.ts";
import { assertLoginAllowed, recordLoginResult } from "../auth/login-rate-limit.ts";
import { createSecretToken } from "../auth/secret-token.ts";
import { SESSION_TTL_MS } from "../auth/session-cookie.ts";
import { disconnectSessions, disconnectUser } from "../realtime/socket-revocation.ts";
import { db } from "./db.ts";
import { InvalidInputError, UnauthorizedError } from "./errors.ts";
import { NewPasswordSchema } from "./passwords.ts";

export const SignInSchema = z.strictObject({
  email: z.string().trim().toLowerCase().max(320),
  password: z.string().max(256),
});
export type SignIn = z.output<typeof SignInSchema>;

export const ChangePasswordSchema = z.strictObject({
  currentPassword: z.string().max(256),
  newPassword: NewPasswordSchema,
});
export type ChangePassword = z.output<typeof ChangePasswordSchema>;

export interface SignedIn {
  /** The cookie value; only its hash is stored. */
  token: string;
  expiresAt: Date;
  user: { id: string; email: string; role: Role; mustChangePassword: boolean };
}

const WRONG_CREDENTIALS = "Email or password is wrong";

/** Compared against when the email is unknown, so both failures take as long. */
let decoyHash: Promise<string> | undefined;

export async function signIn(
  input: SignIn,
  client: ClientInfo,
  userAgent?: string,
): Promise<SignedIn> {
  await assertLoginAllowed(input.email, client.address);
  const user = await createUserRepository(db()).findCredentialsByEmail(input.email);
  decoyHash ??= hashPassword(createSecretToken());
  const passwordOk = await verifyPassword(user?.passwordHash ?? (await decoyHash), input.password);
  const succeeded =
    passwordOk && user !== null && user.passwordHash !== null && user.disabledAt === null;
  await recordLoginResult(input.email, client.address, succeeded);
  if (!succeeded || user === null) throw new UnauthorizedError(WRONG_CREDENTIALS);

  const token = createSecretToken();
  const { expiresAt } = await db().$transaction(async (tx) => {
    const session = await createSessionRepository(tx).create({
      tokenHash: hashToken(token),
      userId: user.id,
      expiresAt: new Date(Date.now() + SESSION_TTL_MS),
      clientIp: client.address,
      ...(userAgent ? { userAgent: userAgent.slice(0, 512) } : {}),
    });
    await recordAuditEntry(tx, {
      actorId: user.id,
      action: "session.create",
      entityType: "session",
      clientIp: client.address,
    });
    return session;
  });
  const { id, email, role, mustChangePassword } = user;
  return { token, expiresAt, user: { id, email, role, mustChangePassword } };
}

/** Ends the calling session, or with `everywhere` every session of the user. */
export async function signOut(
  actor: Actor,
  options: { everywhere: boolean },
  client: ClientInfo,
): Promise<void> {
  const now = new Date();
  await db().$transaction(async (tx) => {
    const sessions = createSessionRepository(tx);
    if (options.everywhere) await sessions.revokeAllOfUser(actor.id, now);
    else if (actor.sessionId !== null) await sessions.revoke(actor.sessionId, now);
    await recordAuditEntry(tx, {
      actorId: actor.id,
      action: options.everywhere ? "session.revoke-all" : "session.revoke",
      entityType: "session",
      entityId: options.everywhere ? null : actor.sessionId,
      clientIp: client.address,
    });
  });
  if (options.everywhere) disconnectUser(actor.id);
  else if (actor.sessionId !== null) disconnectSessions([actor.sessionId]);
}

/** Sets a new password and ends the user's other sessions. */
export async function changePassword(
  actor: Actor,
  input: ChangePassword,
  client: ClientInfo,
): Promise<void> {
  const users = createUserRepository(db());
  const user = await users.findCredentialsById(actor.id);
  if (
    user?.passwordHash == null ||
    !(await verifyPassword(user.passwordHash, input.currentPassword))
  ) {
    throw new InvalidInputError("The current password is wrong", [
      { path: "currentPassword", message: "is wrong" },
    ]);
  }
  if (input.newPassword === input.currentPassword) {
    throw new InvalidInputError("Choose a different password", [
      { path: "newPassword", message: "must differ from the current password" },
    ]);
  }
  const passwordHash = await hashPassword(input.newPassword);
  const revoked = await db().$transaction(async (tx) => {
    await createUserRepository(tx).update(actor.id, { passwordHash, mustChangePassword: false });
    await recordAuditEntry(tx, {
      actorId: actor.id,
      action: "user.password-change",
      entityType: "user",
      entityId: actor.id,
      clientIp: client.address,
    });
    return createSessionRepository(tx).revokeAllOfUser(actor.id, new Date(), actor.sessionId ?? undefined);
  });
  disconnectSessions(revoked);
}
