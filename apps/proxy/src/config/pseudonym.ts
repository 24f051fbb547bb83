import { readLastGood } from "./last-good.ts";

/**
 * The name this node puts in `Via` and recognises as its own loop. The installation's
 * pseudonym saved with the last-good config wins; a node that never had one derives it from
 * its node id.
 */
export async function resolvePseudonym(options: { dataDir: string; nodeId: string }): Promise<string> {
  const lastGood = await readLastGood(options.dataDir).catch(() => null);
  return lastGood?.pseudonym ?? `concierge-${options.nodeId.replace(/[^A-Za-z0-9]/g, "").slice(0, 8).toLowerCase()}`;
}
