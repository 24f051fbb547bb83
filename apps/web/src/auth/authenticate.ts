import { createApiTokenRepository } from "@concierge/db/repositories/api-tokens";
import { createSessionRepository } from "@concierge/db/repositories/sessions";
import { hashToken } from "@concierge/db/token-hash";

import { db } from "../data/db.ts";
import type { Actor } from "./actor.ts";
import { SESSION_COOKIE, SESSION_TTL_MS, readCookie } from "./session-cookie.ts";

/** Sliding expiry is written at most this often per session, not on every request. */
const SESSION_REFRESH_MS = 60 * 60 * 1000;
const TOKEN_LAST_USED_PRECISION_MS = 60 * 1000;

export interface Authentication {
  actor: Actor;
  via: "session" | "token";
  /** Set when the session's expiry slid forward: the cookie should be sent again. */
  renewedSession?: { value: string; expiresAt: Date };
}

/**
 * Who sent these headers: a Bearer token (`Authorization: Bearer ck_…`) wins over the cookie.
 * Null when neither is valid, the session expired or was revoked, or the user is disabled.
 */
export async function authenticate(
  headers: { authorization?: string | null; cookie?: string | null },
  now = new Date(),
): Promise<Authentication | null> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "")?.[1];
  if (bearer !== undefined) return authenticateToken(bearer, now);
  if (headers.authorization) return null;

  const cookieValue = readCookie(headers.cookie, SESSION_COOKIE);
  return cookieValue ? authenticateSession(cookieValue, now) : null;
}

async function authenticateToken(token: string, now: Date): Promise<Authentication | null> {
  const tokens = createApiTokenRepository(db());
  const found = await tokens.findLive(hashToken(token), now);
  if (found === null || found.user.disabledAt !== null) return null;
  if (
    found.lastUsedAt === null ||
    now.getTime() - found.lastUsedAt.getTime() > TOKEN_LAST_USED_PRECISION_MS
  ) {
    await tokens.markUsed(found.id, now);
  }
  const { disabledAt: _disabledAt, ...user } = found.user;
  return { actor: { ...user, sessionId: null }, via: "token" };
}

async function authenticateSession(value: string, now: Date): Promise<Authentication | null> {
  const sessions = createSessionRepository(db());
  const session = await sessions.findLive(hashToken(value), now);
  if (session === null || session.user.disabledAt !== null) return null;
  const { disabledAt: _disabledAt, ...user } = session.user;
  const authentication: Authentication = {
    actor: { ...user, sessionId: session.id },
    via: "session",
  };

  if (now.getTime() - session.lastSeenAt.getTime() > SESSION_REFRESH_MS) {
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await sessions.extend(session.id, now, expiresAt);
    authentication.renewedSession = { value, expiresAt };
  }
  return authentication;
}
