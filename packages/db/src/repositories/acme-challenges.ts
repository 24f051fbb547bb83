import type { Db, Tx } from "../client.ts";

export interface PendingChallenge {
  token: string;
  /** RFC 8555 §8.1: token + "." + the account key's thumbprint; the whole HTTP-01 answer. */
  keyAuthorization: string;
  expiresAt: Date;
}

/** ACME HTTP-01 challenges every proxy answers while they are pending (RFC 8555 §8.3). */
export function createAcmeChallengeRepository(db: Db | Tx) {
  return {
    listPending: (now: Date): Promise<PendingChallenge[]> =>
      db.acmeChallenge.findMany({
        select: { token: true, keyAuthorization: true, expiresAt: true },
        where: { expiresAt: { gt: now } },
        orderBy: { token: "asc" },
      }),

    async publish(challenge: PendingChallenge): Promise<void> {
      await db.acmeChallenge.upsert({
        where: { token: challenge.token },
        create: challenge,
        update: { keyAuthorization: challenge.keyAuthorization, expiresAt: challenge.expiresAt },
      });
    },

    /** Also drops every expired one: nobody answers those any more. */
    async withdraw(token: string, now: Date): Promise<void> {
      await db.acmeChallenge.deleteMany({
        where: { OR: [{ token }, { expiresAt: { lte: now } }] },
      });
    },
  };
}
