/**
 * The node's row in proxy_nodes, refreshed every few seconds so the dashboard lists live nodes,
 * the revision they serve and why one was refused. A failed beat is logged, never fatal.
 */
import type { Db } from "@concierge/db/client";
import { upsertNodeHeartbeat } from "@concierge/db/repositories/nodes";
import type { NodeHeartbeat } from "@concierge/db/repositories/nodes";

import type { Logger } from "../logger.ts";

export function startHeartbeat(options: {
  db: Db;
  heartbeat: () => NodeHeartbeat;
  intervalMs?: number;
  log: Logger;
}): { beatNow(): void; stop(): Promise<void> } {
  const log = options.log.child({ component: "heartbeat" });
  let failing = false;
  let inFlight: Promise<void> = Promise.resolve();

  const beat = async () => {
    try {
      await upsertNodeHeartbeat(options.db, options.heartbeat());
      if (failing) log.info({}, "heartbeat restored");
      failing = false;
    } catch (error) {
      log.warn({ err: error }, "heartbeat failed");
      failing = true;
    }
  };

  inFlight = beat();
  const timer = setInterval(() => {
    inFlight = beat();
  }, options.intervalMs ?? 5_000);
  timer.unref();

  return {
    /** An extra beat right away (a revision applied or refused), after the one in flight. */
    beatNow() {
      inFlight = inFlight.then(beat);
    },
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
  };
}
