/**
 * Config propagation: two proxy nodes on one database, N config changes committed through
 * `applyConfigChange` (toggling a route's priority), each timed from the commit returning until
 * every worker of both nodes serves the new revision (their `/readyz` revision, polled back to back).
 */
import { join } from "node:path";

import { PoolInputSchema } from "@concierge/config/pool";
import { RouteInputSchema } from "@concierge/config/route";
import { createDb, type Db } from "@concierge/db/client";
import { applyConfigChange } from "@concierge/db/config-change";
import { createPoolRepository } from "@concierge/db/repositories/pools";
import { createRouteRepository } from "@concierge/db/repositories/routes";
import { Pool } from "undici";

import type { Cleanup } from "./cleanup.ts";
import { startProxyNode } from "./concierge.ts";
import { percentile } from "./open-loop.ts";

const APPLY_DEADLINE_MS = 5_000;

export interface PropagationResult {
  nodes: number;
  changes: number;
  /** Commit returned → every node serves the revision. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** applyConfigChange itself, for scale. */
  commitP50Ms: number;
  commitP99Ms: number;
  /** Changes not seen on every node within the deadline. */
  missed: number;
}

const SYSTEM_CHANGE = { actorId: null, entityType: "route", message: "propagation benchmark" } as const;

/** The route the changes toggle: the bench route when the API made one, else one made here. */
async function benchRouteId(db: Db, originUrl: string): Promise<string> {
  const existing = await db.route.findFirst({ select: { id: true }, orderBy: { name: "asc" } });
  if (existing) return existing.id;
  const { result } = await applyConfigChange(db, { ...SYSTEM_CHANGE, action: "route.create" }, async (tx) => {
    const pool = await createPoolRepository(tx).create(
      PoolInputSchema.parse({ name: "propagation", targets: [{ url: originUrl }], healthCheck: { enabled: false } }),
    );
    return createRouteRepository(tx).create(
      RouteInputSchema.parse({ name: "propagation", hosts: ["*"], pathPrefix: "/", poolId: pool.id }),
    );
  });
  return result.id;
}

async function servedRevision(admin: Pool): Promise<number> {
  const { body } = await admin.request({ path: "/readyz", method: "GET" });
  const readiness = (await body.json()) as { revision: number | null };
  return readiness.revision ?? 0;
}

export async function measurePropagation(
  cleanup: Cleanup,
  options: { root: string; databaseUrl: string; dataDir: string; changes: number; originUrl: string },
): Promise<PropagationResult> {
  const mark = cleanup.mark();
  const db = createDb({ url: options.databaseUrl, maxConnections: 2 });
  cleanup.defer("propagation database client", () => db.$disconnect());
  try {
    const routeId = await benchRouteId(db, options.originUrl);
    const current = (await db.configRevision.findFirst({ orderBy: { number: "desc" }, select: { number: true } }))!.number;

    const nodes = [];
    for (const nodeId of ["bench-node-a", "bench-node-b"]) {
      nodes.push(
        await startProxyNode(cleanup, {
          root: options.root,
          databaseUrl: options.databaseUrl,
          dataDir: join(options.dataDir, nodeId),
          nodeId,
          workers: 1,
          minRevision: current,
        }),
      );
    }
    const admins = nodes.map((node) => new Pool(`http://127.0.0.1:${node.adminPort}`, { connections: 1 }));
    cleanup.defer("admin clients", () => Promise.all(admins.map((admin) => admin.close())).then(() => {}));

    const applied: number[] = [];
    const commits: number[] = [];
    let missed = 0;
    for (let change = 1; change <= options.changes; change++) {
      const commitStart = performance.now();
      const { revision } = await applyConfigChange(db, { ...SYSTEM_CHANGE, action: "route.update", entityId: routeId }, (tx) =>
        tx.route.update({ where: { id: routeId }, data: { priority: change % 2 } }),
      );
      const committed = performance.now();
      commits.push(committed - commitStart);

      const deadline = committed + APPLY_DEADLINE_MS;
      const pending = new Set(admins);
      while (pending.size > 0 && performance.now() < deadline) {
        for (const admin of pending) {
          if ((await servedRevision(admin)) >= revision) pending.delete(admin);
        }
      }
      if (pending.size > 0) missed++;
      else applied.push(performance.now() - committed);
    }

    applied.sort((a, b) => a - b);
    commits.sort((a, b) => a - b);
    return {
      nodes: nodes.length,
      changes: options.changes,
      p50Ms: percentile(applied, 0.5),
      p99Ms: percentile(applied, 0.99),
      maxMs: percentile(applied, 1),
      commitP50Ms: percentile(commits, 0.5),
      commitP99Ms: percentile(commits, 0.99),
      missed,
    };
  } finally {
    await cleanup.runSince(mark);
  }
}
