import { NODE_DOWN_AFTER_MS, type NodeList } from "@concierge/config/traffic";
import { listNodes } from "@concierge/db/repositories/nodes";

import type { Actor } from "../auth/actor.ts";
import { requireRole } from "../auth/roles.ts";
import { liveSource } from "../realtime/live-source.ts";
import { db } from "./db.ts";

/** Every node that ever beat: up while its heartbeat is recent, and whether its live socket is here. */
export async function listNodeStatuses(actor: Actor, now: Date = new Date()): Promise<NodeList> {
  requireRole(actor, "viewer");
  const rows = await listNodes(db());
  const live = new Set(liveSource()?.connectedNodes() ?? []);
  return {
    nodes: rows.map((row) => {
      const heartbeatAgeMs = Math.max(0, now.getTime() - row.lastHeartbeatAt.getTime());
      return {
        id: row.id,
        host: row.host,
        version: row.version,
        workers: row.workers,
        status: heartbeatAgeMs < NODE_DOWN_AFTER_MS ? "up" : "down",
        live: live.has(row.id),
        startedAt: row.startedAt.toISOString(),
        lastHeartbeatAt: row.lastHeartbeatAt.toISOString(),
        heartbeatAgeMs,
        revisionApplied: row.revisionApplied,
        lastError: row.lastError,
      };
    }),
  };
}
