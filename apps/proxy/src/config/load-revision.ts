/**
 * Reads revisions from the database and validates them with the schema the dashboard writes
 * with, once per revision. A snapshot that fails validation is reported, never compiled.
 */
import { latestRevision, loadRevision } from "@concierge/db/config-change";
import type { Db } from "@concierge/db/client";
import { formatIssues } from "@concierge/config/format-issues";
import { ConfigSnapshotSchema } from "@concierge/config/snapshot";
import type { ConfigSnapshot } from "@concierge/config/snapshot";

export type CheckedRevision =
  | { ok: true; revision: number; snapshot: ConfigSnapshot }
  | { ok: false; revision: number; reasons: string[] };

export function checkRevision(stored: { revision: number; snapshot: unknown }): CheckedRevision {
  const parsed = ConfigSnapshotSchema.safeParse(stored.snapshot);
  if (parsed.success) return { ok: true, revision: stored.revision, snapshot: parsed.data };
  return { ok: false, revision: stored.revision, reasons: formatIssues(parsed.error.issues) };
}

/** The newest revision, checked; null when the database holds none yet. */
export async function loadLatestRevision(db: Db): Promise<CheckedRevision | null> {
  const stored = await latestRevision(db);
  return stored && checkRevision(stored);
}

/** One numbered revision, checked; null when it does not exist. */
export async function loadCheckedRevision(db: Db, revision: number): Promise<CheckedRevision | null> {
  const stored = await loadRevision(db, revision);
  return stored && checkRevision(stored);
}
