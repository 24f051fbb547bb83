import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import type { Db } from "@concierge/db/client";

import { writeRevision } from "../../control/support/snapshots.ts";

/** A port nothing listens on: bound by the OS, then closed. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * A route for every host under `pathPrefix` to a pool of one target (its cache on when `cached`,
 * with the rule's defaults), in its own revision. No
 * health checks, no retries and ejection only after 1000 failures in a row, so each request
 * fails or succeeds on its own.
 */
export async function routeTo(
  db: Db,
  name: string,
  pathPrefix: string,
  url: string,
  options: { cached?: boolean } = {},
) {
  let ids = { routeId: "", poolId: "", targetId: "" };
  await writeRevision(db, async (tx) => {
    const pool = await tx.pool.create({
      data: {
        name: `${name}-${randomUUID()}`,
        hashKey: { source: "client_ip" },
        stickyCookie: { name: "concierge_sticky", ttlSeconds: 0 },
        healthCheck: { enabled: false, path: "/", intervalMs: 5000, timeoutMs: 2000, healthyThreshold: 2, unhealthyThreshold: 3 },
        passiveEjection: { consecutiveFailures: 1_000, baseEjectionMs: 10000, maxEjectionMs: 300000 },
        retry: { attempts: 0, budgetPercent: 20 },
        timeouts: { connectMs: 2000, firstByteMs: 10000, idleMs: 10000 },
        targets: { create: [{ url }] },
      },
      select: { id: true, targets: { select: { id: true } } },
    });
    const route = await tx.route.create({
      data: {
        name,
        hosts: ["*"],
        pathPrefix,
        poolId: pool.id,
        requestHeaders: { set: {}, remove: [] },
        responseHeaders: { set: {}, remove: [] },
      },
      select: { id: true },
    });
    if (options.cached) {
      await tx.cacheRule.create({ data: { routeId: route.id, enabled: true, keyQuery: "all" } });
    }
    ids = { routeId: route.id, poolId: pool.id, targetId: pool.targets[0]?.id ?? "" };
  });
  return ids;
}
