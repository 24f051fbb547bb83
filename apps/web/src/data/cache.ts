import { PURGE_CHANNEL, PurgeSelectorSchema, type PurgeSelector } from "@concierge/config/purge";
import { recordAuditEntry } from "@concierge/db/repositories/audit";

import type { Actor } from "../auth/actor.ts";
import type { ClientInfo } from "../auth/client-info.ts";
import { requireRole } from "../auth/roles.ts";
import { db } from "./db.ts";

export { PurgeSelectorSchema };

/**
 * Asks every proxy node to drop matching cached answers. Fire and forget: a node that is not
 * listening right now misses it, which is why the answer says "accepted" rather than "purged".
 */
export async function purgeCache(
  actor: Actor,
  selector: PurgeSelector,
  client: ClientInfo,
): Promise<{ accepted: true }> {
  requireRole(actor, "editor");
  await db().$transaction(async (tx) => {
    await recordAuditEntry(tx, {
      actorId: actor.id,
      action: "cache.purge",
      entityType: "cache",
      after: selector,
      clientIp: client.address,
    });
    await tx.$executeRaw`SELECT pg_notify(${PURGE_CHANNEL}, ${JSON.stringify(selector)})`;
  });
  return { accepted: true };
}
