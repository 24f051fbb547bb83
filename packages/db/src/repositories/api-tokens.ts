import type { Db, Tx } from "../client.ts";
import { NotFoundError } from "../errors.ts";
import type { Role } from "./users.ts";

const apiTokenFields = {
  id: true,
  name: true,
  prefix: true,
  userId: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
  createdAt: true,
} as const;

/** A token as lists show it: the prefix identifies it, the secret is never kept. */
export interface ApiTokenRecord {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export interface ApiTokenWithOwner {
  id: string;
  lastUsedAt: Date | null;
  user: {
    id: string;
    email: string;
    role: Role;
    disabledAt: Date | null;
    mustChangePassword: boolean;
  };
}

export function createApiTokenRepository(db: Db | Tx) {
  return {
    create: (input: {
      name: string;
      tokenHash: string;
      prefix: string;
      userId: string;
      expiresAt?: Date;
    }): Promise<ApiTokenRecord> => db.apiToken.create({ data: input, select: apiTokenFields }),

    /** Live tokens, newest first; all of them, or one user's. */
    list: (filter: { userId?: string } = {}): Promise<ApiTokenRecord[]> =>
      db.apiToken.findMany({
        where: {
          revokedAt: null,
          ...(filter.userId === undefined ? {} : { userId: filter.userId }),
        },
        select: apiTokenFields,
        orderBy: { createdAt: "desc" },
      }),

    findById: (id: string): Promise<ApiTokenRecord | null> =>
      db.apiToken.findUnique({ where: { id }, select: apiTokenFields }),

    /** Unrevoked and unexpired, with its owner's current role, or null. */
    findLive: (tokenHash: string, now: Date): Promise<ApiTokenWithOwner | null> =>
      db.apiToken.findFirst({
        where: {
          tokenHash,
          revokedAt: null,
          OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
        },
        select: {
          id: true,
          lastUsedAt: true,
          user: {
            select: {
              id: true,
              email: true,
              role: true,
              disabledAt: true,
              mustChangePassword: true,
            },
          },
        },
      }),

    async markUsed(id: string, now: Date): Promise<void> {
      await db.apiToken.update({ where: { id }, data: { lastUsedAt: now } });
    },

    async revoke(id: string, now: Date): Promise<void> {
      const { count } = await db.apiToken.updateMany({
        where: { id, revokedAt: null },
        data: { revokedAt: now },
      });
      if (count === 0) throw new NotFoundError(`No live token has id ${id}`);
    },

    async revokeAllOfUser(userId: string, now: Date): Promise<void> {
      await db.apiToken.updateMany({
        where: { userId, revokedAt: null },
        data: { revokedAt: now },
      });
    },
  };
}
