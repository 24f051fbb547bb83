import { randomUUID } from "node:crypto";

import type { Db } from "@concierge/db/client";
import { applyConfigChange } from "@concierge/db/config-change";

/** Writes one config change through the one real write path; returns the new revision. */
export async function writeRevision(db: Db, write: Parameters<typeof applyConfigChange>[2] = async () => {}) {
  const { revision } = await applyConfigChange(
    db,
    { actorId: null, action: "test.change", entityType: "test", entityId: randomUUID() },
    write,
  );
  return revision;
}

/** A revision row whose snapshot fails validation, announced like a real one. */
export async function writeInvalidRevision(db: Db): Promise<number> {
  const snapshot = JSON.stringify({ pools: [], routes: [{ id: randomUUID(), name: "", hosts: [] }] });
  const [row] = await db.$queryRaw<Array<{ number: number }>>`
    INSERT INTO config_revisions (summary, snapshot) VALUES ('invalid', ${snapshot}::jsonb) RETURNING number`;
  if (!row) throw new Error("no revision inserted");
  await notifyRevision(db, row.number);
  return row.number;
}

export async function notifyRevision(db: Db, revision: number): Promise<void> {
  await db.$executeRaw`SELECT pg_notify('concierge_config', ${String(revision)})`;
}

/** Adds a pool with one target and a catch-all route to it. */
export function routeEverythingTo(targetUrl: string): Parameters<typeof applyConfigChange>[2] {
  return async (tx) => {
    const pool = await tx.pool.create({
      data: {
        name: `pool-${randomUUID()}`,
        hashKey: { source: "client_ip" },
        stickyCookie: { name: "concierge_sticky", ttlSeconds: 0 },
        healthCheck: { enabled: false, path: "/", intervalMs: 5000, timeoutMs: 2000, healthyThreshold: 2, unhealthyThreshold: 3 },
        passiveEjection: { consecutiveFailures: 5, baseEjectionMs: 10000, maxEjectionMs: 300000 },
        retry: { attempts: 0, budgetPercent: 20 },
        timeouts: { connectMs: 5000, firstByteMs: 60000, idleMs: 60000 },
        targets: { create: [{ url: targetUrl }] },
      },
      select: { id: true },
    });
    await tx.route.create({
      data: { name: "all", hosts: ["*"], pathPrefix: "/", poolId: pool.id, requestHeaders: { set: {}, remove: [] }, responseHeaders: { set: {}, remove: [] } },
    });
  };
}
