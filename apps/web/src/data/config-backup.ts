import { ConfigSnapshotSchema, type ConfigSnapshot } from "@concierge/config/snapshot";
import { applyConfigChange, latestRevision, writeSnapshot } from "@concierge/db/config-change";
import { InvalidConfigError, NotFoundError } from "@concierge/db/errors";
import { formatIssues } from "@concierge/config/format-issues";
import { z } from "zod";

import type { Actor } from "../auth/actor.ts";
import type { ClientInfo } from "../auth/client-info.ts";
import { requireRole } from "../auth/roles.ts";
import { db } from "./db.ts";

const BACKUP_FORMAT = "concierge-config";
const BACKUP_VERSION = 1;

/**
 * A whole configuration as a file: what export writes and import reads back. No password or key
 * in clear: basic-auth users are argon2id hashes, target URLs carry no credentials, and TLS keys
 * are not part of a configuration snapshot. Header values a route sets are exported as configured.
 */
export const ConfigBackupSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT, { message: `must be "${BACKUP_FORMAT}"` }),
  version: z.literal(BACKUP_VERSION, { message: `must be ${BACKUP_VERSION}` }),
  /** Informational on import. */
  exportedAt: z.iso.datetime({ offset: true }).optional(),
  /** The revision it was exported from; informational on import. */
  revision: z.int().positive().optional(),
  snapshot: ConfigSnapshotSchema,
});
export type ConfigBackup = z.output<typeof ConfigBackupSchema>;

export async function exportConfig(actor: Actor): Promise<ConfigBackup> {
  requireRole(actor, "viewer");
  const stored = await latestRevision(db());
  if (stored === null) throw new NotFoundError("No configuration revision exists yet");
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    exportedAt: new Date().toISOString(),
    revision: stored.revision,
    snapshot: toSnapshot(stored.snapshot),
  };
}

/** Stored revisions were validated when written; one that no longer is cannot be exported as valid. */
function toSnapshot(stored: unknown): ConfigSnapshot {
  const parsed = ConfigSnapshotSchema.safeParse(stored);
  if (!parsed.success) throw new InvalidConfigError(formatIssues(parsed.error.issues));
  return parsed.data;
}

/** Replaces the whole configuration with the backup's, as one revision. */
export async function importConfig(
  actor: Actor,
  backup: ConfigBackup,
  client: ClientInfo,
  message: string | null,
): Promise<{ revision: number }> {
  requireRole(actor, "admin");
  const { revision } = await applyConfigChange(
    db(),
    {
      actorId: actor.id,
      action: "config.import",
      entityType: "config",
      after: {
        exportedFromRevision: backup.revision ?? null,
        exportedAt: backup.exportedAt ?? null,
        pools: backup.snapshot.pools.length,
        routes: backup.snapshot.routes.length,
      },
      message: message ?? "imported a configuration backup",
      clientIp: client.address,
    },
    (tx) => writeSnapshot(tx, backup.snapshot),
  );
  return { revision };
}
