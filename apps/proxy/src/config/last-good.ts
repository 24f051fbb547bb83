/**
 * The on-disk copy of the last config this node applied, so a restart without the database
 * still serves. Written only after a successful apply, atomically (temp file + rename), and
 * never replaced by an older revision (several workers share the file).
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

import { ConfigSnapshotSchema } from "@concierge/config/snapshot";
import type { ConfigSnapshot } from "@concierge/config/snapshot";

export const LAST_GOOD_FILE = "last-good-config.json";

export interface LastGood {
  revision: number;
  snapshot: ConfigSnapshot;
  /** The installation's Via pseudonym, so loop detection survives a start without the database. */
  pseudonym?: string;
}

export function lastGoodPath(dataDir: string): string {
  return path.join(dataDir, LAST_GOOD_FILE);
}

/** The saved config, or null when there is none or it no longer validates. */
export async function readLastGood(dataDir: string): Promise<LastGood | null> {
  let text: string;
  try {
    text = await readFile(lastGoodPath(dataDir), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const saved = JSON.parse(text) as { revision?: unknown; snapshot?: unknown; pseudonym?: unknown };
  const snapshot = ConfigSnapshotSchema.safeParse(saved.snapshot);
  if (!Number.isInteger(saved.revision) || !snapshot.success) return null;
  return {
    revision: saved.revision as number,
    snapshot: snapshot.data,
    ...(typeof saved.pseudonym === "string" ? { pseudonym: saved.pseudonym } : {}),
  };
}

export async function saveLastGood(dataDir: string, lastGood: LastGood): Promise<void> {
  const onDisk = await readLastGood(dataDir).catch(() => null);
  if (onDisk && onDisk.revision > lastGood.revision) return;

  await mkdir(dataDir, { recursive: true });
  const target = lastGoodPath(dataDir);
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(lastGood)}\n`, { mode: 0o600 });
  await rename(temporary, target);
}
