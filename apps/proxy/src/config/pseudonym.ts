import type { Db } from "@concierge/db/client";
import { readInstallationId } from "@concierge/db/repositories/settings";

import { readLastGood } from "./last-good.ts";
import { withTimeout } from "./with-timeout.ts";

/**
 * The name this node puts in `Via` and recognises as its own loop: one per installation, so a
 * request that went round through any node of it is caught. From the database when it answers,
 * else the pseudonym saved with the last-good config, else derived from the node id.
 */
export async function resolvePseudonym(options: { db?: Db; dataDir: string; nodeId: string }): Promise<string> {
  const installationId = options.db
    ? await withTimeout(readInstallationId(options.db), 3_000).catch(() => null)
    : null;
  if (installationId) return `concierge-${installationId}`;
  const lastGood = await readLastGood(options.dataDir).catch(() => null);
  return lastGood?.pseudonym ?? `concierge-${options.nodeId.replace(/[^A-Za-z0-9]/g, "").slice(0, 8).toLowerCase()}`;
}
