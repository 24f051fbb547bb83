import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";

import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Db } from "@concierge/db/client";
import { applyConfigChange } from "@concierge/db/config-change";

import { createTestDatabase } from "../../../../packages/db/test-support/fresh-database.ts";
import type { TestDatabase } from "../../../../packages/db/test-support/fresh-database.ts";
import { buildProxyBundle, startNode } from "../control/support/start-node.ts";
import type { RunningNode } from "../control/support/start-node.ts";
import { waitFor } from "../control/support/wait-for.ts";

const ORIGINS = 3;
const CLIENTS = 8;
const RELOADS = 100;
const LOAD_DEADLINE_MS = 45_000;
/**
 * New origin connections tolerated across all 100 reloads, per origin. Round robin spreads 8
 * in-flight requests over 3 targets unevenly from moment to moment, so a burst larger than any
 * seen during warm-up may open another connection or two to a target (one was seen). A reload
 * that dropped a pool would instead reopen every connection of it on each reload: ~300 per origin.
 */
const NEW_CONNECTIONS_ALLOWED_PER_ORIGIN = 2;

interface Origin {
  server: Server;
  url: string;
  connections: number;
}

async function startOrigin(): Promise<Origin> {
  const server = createServer((_req, res) => res.end("ok"));
  // Idle keep-alive connections must outlive the test, so only a reload could close them.
  server.keepAliveTimeout = 120_000;
  const origin: Origin = { server, url: "", connections: 0 };
  server.on("connection", () => {
    origin.connections++;
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  origin.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return origin;
}

/** A pool over every origin (no health probes: their connections would count) and a catch-all route to it. */
async function createPoolAndRoute(
  db: Db,
  origins: Origin[],
): Promise<{ routeId: string; revision: number }> {
  const { result: routeId, revision } = await applyConfigChange(
    db,
    { actorId: null, action: "test.setup", entityType: "test" },
    async (tx) => {
      const pool = await tx.pool.create({
        data: {
          name: "origins",
          hashKey: { source: "client_ip" },
          stickyCookie: { name: "concierge_sticky", ttlSeconds: 0 },
          healthCheck: {
            enabled: false,
            path: "/",
            intervalMs: 5000,
            timeoutMs: 2000,
            healthyThreshold: 2,
            unhealthyThreshold: 3,
          },
          passiveEjection: { consecutiveFailures: 5, baseEjectionMs: 10000, maxEjectionMs: 300000 },
          retry: { attempts: 0, budgetPercent: 20 },
          timeouts: { connectMs: 5000, firstByteMs: 60000, idleMs: 60000 },
          targets: { create: origins.map((origin, position) => ({ url: origin.url, position })) },
        },
        select: { id: true },
      });
      const route = await tx.route.create({
        data: {
          name: "all",
          hosts: ["*"],
          pathPrefix: "/",
          poolId: pool.id,
          requestHeaders: { set: {}, remove: [] },
          responseHeaders: { set: {}, remove: [] },
        },
        select: { id: true },
      });
      return route.id;
    },
  );
  return { routeId, revision };
}

/** Keeps `CLIENTS` keep-alive requests in flight until stopped; counts every answer and failure. */
function startLoad(url: string) {
  const agent = new Agent({ connections: CLIENTS, keepAliveTimeout: 60_000 });
  const counts = { ok: 0, failed: 0, errors: [] as string[] };
  let stopped = false;
  const deadline = Date.now() + LOAD_DEADLINE_MS;

  async function client(): Promise<void> {
    while (!stopped && Date.now() < deadline) {
      try {
        const res = await request(url, { dispatcher: agent });
        await res.body.text();
        if (res.statusCode === 200) counts.ok++;
        else {
          counts.failed++;
          counts.errors.push(`status ${res.statusCode}`);
        }
      } catch (error) {
        counts.failed++;
        counts.errors.push(String(error));
      }
    }
  }

  const clients = Promise.all(Array.from({ length: CLIENTS }, client));
  let stopping: Promise<void> | undefined;
  return {
    counts,
    stop(): Promise<void> {
      stopped = true;
      stopping ??= clients.then(() => agent.close());
      return stopping;
    },
  };
}

let database: TestDatabase;
let dataDir: string;
let node: RunningNode;
const origins: Origin[] = [];

beforeAll(async () => {
  await buildProxyBundle();
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), "concierge-reload-"));
  for (let i = 0; i < ORIGINS; i++) origins.push(await startOrigin());
  node = await startNode({
    DATABASE_URL: database.url,
    CONCIERGE_DATA_DIR: dataDir,
    PROXY_NODE_ID: "reload-under-load",
    LOG_LEVEL: "info",
  });
});
afterAll(async () => {
  await node?.stop();
  for (const origin of origins) {
    origin.server.closeAllConnections();
    origin.server.close();
  }
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

const totalConnections = () => origins.reduce((sum, origin) => sum + origin.connections, 0);

describe("config reload under load", () => {
  it(`applies ${RELOADS} revisions in order without failed requests or upstream connection churn`, async () => {
    const setup = await createPoolAndRoute(database.db, origins);
    await waitFor(
      "route served",
      async () => (await node.readyz()).body.revision === setup.revision,
      20_000,
    );

    const load = startLoad(`${node.dataUrl}/steady`);
    try {
      // Warm-up: until every origin has its connections and 500 answers went by without a new one.
      let seen = { connections: -1, atResponse: 0 };
      await waitFor(
        "upstream connections settled",
        () => {
          if (totalConnections() !== seen.connections)
            seen = { connections: totalConnections(), atResponse: load.counts.ok };
          return (
            origins.every((origin) => origin.connections > 0) &&
            load.counts.ok - seen.atResponse >= 500
          );
        },
        20_000,
      );
      const before = origins.map((origin) => origin.connections);
      const answeredBefore = load.counts.ok;

      const revisions: number[] = [];
      for (let step = 1; step <= RELOADS; step++) {
        const { revision } = await applyConfigChange(
          database.db,
          { actorId: null, action: "route.update", entityType: "route", entityId: setup.routeId },
          (tx) =>
            tx.route.update({
              where: { id: setup.routeId },
              data: {
                responseHeaders: { set: { "x-config-step": String(step) }, remove: [] },
                priority: step % 7,
              },
            }),
        );
        revisions.push(revision);
        await waitFor(
          `revision ${revision} served`,
          async () => (await node.readyz()).body.revision === revision,
          10_000,
        );
      }
      const answeredDuring = load.counts.ok - answeredBefore;
      await load.stop();

      expect(load.counts.failed, load.counts.errors.slice(0, 5).join("; ")).toBe(0);
      expect(answeredDuring).toBeGreaterThan(RELOADS);

      // /readyz can report the last revision before the worker's log line reached our pipe.
      const lastRevision = revisions.at(-1);
      await node.waitForLog(
        `the log line of revision ${lastRevision}`,
        (line) => line.msg === "config applied" && line.revision === lastRevision,
      );
      const applied = node.logs
        .filter((line) => line.msg === "config applied" && typeof line.revision === "number")
        .map((line) => line.revision as number)
        .filter((revision) => revision > setup.revision);
      expect(applied).toEqual(revisions);
      expect(revisions).toEqual(revisions.map((_, index) => revisions[0]! + index));

      const latest = await fetch(`${node.dataUrl}/last`);
      expect(latest.headers.get("x-config-step")).toBe(String(RELOADS));

      origins.forEach((origin, index) => {
        expect(origin.connections, `new connections to origin ${index}`).toBeLessThanOrEqual(
          before[index]! + NEW_CONNECTIONS_ALLOWED_PER_ORIGIN,
        );
      });
    } finally {
      await load.stop();
    }
  }, 60_000);
});
