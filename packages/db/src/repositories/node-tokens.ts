import type { Db, Tx } from "../client.ts";

/** The node token with this sha256, unless it was revoked. */
export function findLiveNodeToken(db: Db | Tx, tokenHash: string): Promise<{ id: string } | null> {
  return db.nodeToken.findFirst({ where: { tokenHash, revokedAt: null }, select: { id: true } });
}
