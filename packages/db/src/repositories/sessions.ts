import type { Db, Tx } from "../client.ts";
import type { Role } from "./users.ts";

/** A live session with what authorising a request needs to know about its user. */
export interface SessionWithUser {
  id: string;
  userId: string;
  expiresAt: Date;
  lastSeenAt: Date;
  user: {
    id: string;
    email: string;
    role: Role;
    disabledAt: Date | null;
    mustChangePassword: boolean;
  };
}

const sessionWithUserFields = {
  id: true,
  userId: true,
  expiresAt: true,
  lastSeenAt: true,
  user: {
    select: { id: true, email: true, role: true, disabledAt: true, mustChangePassword: true },
  },
} as const;

/** Sessions are looked up by the sha256 of the cookie value; the value itself is never stored. */
export function createSessionRepository(db: Db | Tx) {
  return {
    async create(input: {
      tokenHash: string;
      userId: string;
      expiresAt: Date;
      clientIp?: string;
      userAgent?: string;
    }): Promise<{ id: string; expiresAt: Date }> {
      return db.session.create({ data: input, select: { id: true, expiresAt: true } });
    },

    /** Unexpired and not revoked, or null. */
    findLive: (tokenHash: string, now: Date): Promise<SessionWithUser | null> =>
      db.session.findFirst({
        where: { tokenHash, revokedAt: null, expiresAt: { gt: now } },
        select: sessionWithUserFields,
      }),

    async extend(id: string, now: Date, expiresAt: Date): Promise<void> {
      await db.session.update({ where: { id }, data: { lastSeenAt: now, expiresAt } });
    },

    async revoke(id: string, now: Date): Promise<void> {
      await db.session.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
    },

    /**
     * Revokes every live session of the user but `keepId` (the caller's own, when changing a
     * password); returns the ids it revoked, so their sockets can be closed.
     */
    async revokeAllOfUser(userId: string, now: Date, keepId?: string): Promise<string[]> {
      const where = {
        userId,
        revokedAt: null,
        expiresAt: { gt: now },
        ...(keepId === undefined ? {} : { id: { not: keepId } }),
      };
      const live = await db.session.findMany({ where, select: { id: true } });
      await db.session.updateMany({
        where: { id: { in: live.map((session) => session.id) } },
        data: { revokedAt: now },
      });
      return live.map((session) => session.id);
    },
  };
}
