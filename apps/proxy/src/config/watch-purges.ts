/**
 * Cache purges from the dashboard: each worker LISTENs on the purge channel and drops matching
 * objects from its own cache. A purge sent while the connection is down is lost, which is why
 * the dashboard answers "accepted" rather than "purged". Nothing here is on the request path.
 */
import { PURGE_CHANNEL, PurgeSelectorSchema, type PurgeSelector } from "@concierge/config/purge";
import { formatIssues } from "@concierge/config/format-issues";
import { listenToChannel, type Listener } from "@concierge/db/notify";

import type { Logger } from "../logger.ts";

export interface PurgeListenerOptions {
  /** undefined: no database, so no purges to hear. */
  databaseUrl: string | undefined;
  cache: { purge(selector: PurgeSelector): number };
  log: Logger;
}

function parsePayload(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}

export async function startPurgeListener(options: PurgeListenerOptions): Promise<Listener> {
  if (options.databaseUrl === undefined) return { close: async () => {} };
  const { cache } = options;
  const log = options.log.child({ component: "purge" });
  return listenToChannel({
    url: options.databaseUrl,
    channel: PURGE_CHANNEL,
    log,
    onPayload(payload) {
      const parsed = PurgeSelectorSchema.safeParse(parsePayload(payload));
      if (!parsed.success) {
        log.warn(
          { payload, problems: formatIssues(parsed.error.issues) },
          "purge ignored: not a purge selector",
        );
        return;
      }
      const purged = cache.purge(parsed.data);
      log.info({ selector: parsed.data, purged }, "cache purged");
    },
  });
}
