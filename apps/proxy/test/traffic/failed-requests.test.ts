import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import { ERROR_CAUSES, type ErrorCause } from "@concierge/config/traffic";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createTestDatabase,
  type TestDatabase,
} from "../../../../packages/db/test-support/fresh-database.ts";
import { buildProxyBundle, startNode, type RunningNode } from "../control/support/start-node.ts";
import { waitFor } from "../control/support/wait-for.ts";
import { closedPort, routeTo } from "./support/route-to.ts";

const NODE_ID = "node-failed-requests";
const SLOW_MS = 200;
const SAMPLES_PER_SECOND = 5;
const FLOOD = 2_000;
const FLOOD_CONCURRENCY = 32;

let database: TestDatabase;
let dataDir: string;
let origin: Server;
let node: RunningNode;
let nodeStopped = false;
let deadTargetId: string;
let liveTargetId: string;
let deadRouteId: string;
let floodRouteId: string;

const causeIndex = (cause: ErrorCause) => ERROR_CAUSES.indexOf(cause);

function metricSum(text: string, pattern: RegExp): number {
  return [...text.matchAll(pattern)].reduce((sum, match) => sum + Number(match[1]), 0);
}

beforeAll(async () => {
  await buildProxyBundle();
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), "concierge-failed-requests-"));
  origin = createServer((req, res) => {
    if (req.url?.startsWith("/slow")) {
      setTimeout(() => res.end("slow"), SLOW_MS + 50);
      return;
    }
    if (req.url?.startsWith("/fail") || req.url?.startsWith("/flood")) {
      res.statusCode = 500;
      res.end("broken");
      return;
    }
    res.end("ok");
  });
  origin.listen(0, "127.0.0.1");
  await once(origin, "listening");
  const originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  const dead = await routeTo(database.db, "dead", "/dead", `http://127.0.0.1:${await closedPort()}`);
  deadTargetId = dead.targetId;
  deadRouteId = dead.routeId;
  liveTargetId = (await routeTo(database.db, "live", "/", originUrl)).targetId;
  // Its own pool: a flood past the ejection threshold must not eject the target the other tests use.
  floodRouteId = (await routeTo(database.db, "flood", "/flood", originUrl)).routeId;

  node = await startNode({
    DATABASE_URL: database.url,
    CONCIERGE_DATA_DIR: dataDir,
    PROXY_NODE_ID: NODE_ID,
    PROXY_WORKERS: "1",
    PROXY_ROLLUP_INTERVAL_MS: "1000",
    PROXY_SLOW_REQUEST_MS: String(SLOW_MS),
    PROXY_SAMPLES_PER_SECOND: String(SAMPLES_PER_SECOND),
  });
  await waitFor("the node to serve", async () => (await node.readyz()).status === 200, 20_000);
}, 120_000);

afterAll(async () => {
  if (!nodeStopped) await node?.stop();
  origin?.closeAllConnections();
  origin?.close();
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("failed and slow requests", () => {
  it("counts a dead target as connect_failed in /metrics and the rollups, and keeps samples without the query", async () => {
    for (let request = 0; request < 3; request++) {
      const response = await fetch(`${node.dataUrl}/dead/item-${request}?token=secret`);
      expect(response.status).toBe(502);
      await response.arrayBuffer();
    }

    const metrics = await waitFor("/metrics to count the failures", async () => {
      const text = await (await fetch(`${node.adminUrl}/metrics`)).text();
      return text.includes('cause="connect_failed"} 3') ? text : undefined;
    });
    expect(metrics).toMatch(
      new RegExp(`^concierge_errors_total\\{route="${deadRouteId}",pool="[^"]+",target="${deadTargetId}",cause="connect_failed"\\} 3$`, "m"),
    );

    const causes = await waitFor("rollups to carry the causes", async () => {
      const rows = await database.db.trafficRollup.findMany({ where: { nodeId: NODE_ID, targetId: deadTargetId } });
      const summed = rows.reduce((sum, row) => sum + Number(row.errorCauses[causeIndex("connect_failed")] ?? 0), 0);
      return summed === 3 ? rows : undefined;
    }, 15_000);
    expect(causes.every((row) => row.statusClass === "5xx")).toBe(true);
    expect(causes.reduce((sum, row) => sum + Number(row.errors), 0)).toBe(3);

    const samples = await waitFor("samples of the failures", async () => {
      const rows = await database.db.requestSample.findMany({ where: { nodeId: NODE_ID, targetId: deadTargetId } });
      return rows.length === 3 ? rows : undefined;
    }, 15_000);
    for (const sample of samples) {
      expect(sample).toMatchObject({
        routeId: deadRouteId,
        method: "GET",
        host: "127.0.0.1",
        status: 502,
        cause: "connect_failed",
        cacheStatus: "none",
        slow: false,
        worker: 1,
        attempts: 1,
      });
      expect(sample.path).toMatch(/^\/dead\/item-\d$/);
      expect(sample.requestId).not.toBe("");
    }
  }, 60_000);

  it("samples a slow answer and an origin's 5xx with their timings", async () => {
    const slow = await fetch(`${node.dataUrl}/slow/report`, { headers: { "x-request-id": "slow-one" } });
    expect(slow.status).toBe(200);
    await slow.arrayBuffer();
    const failed = await fetch(`${node.dataUrl}/fail/once`, { headers: { "x-request-id": "failed-one" } });
    expect(failed.status).toBe(500);
    await failed.arrayBuffer();

    const [slowSample, failedSample] = await waitFor("both samples", async () => {
      const rows = await database.db.requestSample.findMany({
        where: { nodeId: NODE_ID, requestId: { in: ["slow-one", "failed-one"] } },
        orderBy: { at: "asc" },
      });
      return rows.length === 2 ? rows : undefined;
    }, 15_000);
    expect(slowSample).toMatchObject({ path: "/slow/report", status: 200, cause: null, slow: true, targetId: liveTargetId });
    expect(slowSample?.totalMs).toBeGreaterThanOrEqual(SLOW_MS);
    expect(slowSample?.upstreamMs).toBeGreaterThanOrEqual(SLOW_MS);
    expect(failedSample).toMatchObject({ path: "/fail/once", status: 500, cause: "origin_5xx", slow: false, targetId: liveTargetId });
    expect(failedSample?.upstreamMs).toBeGreaterThan(0);
  }, 60_000);

  it("keeps at most the per-second share of a flood of failures", async () => {

    const startedAt = Date.now();
    let sent = 0;
    const client = async () => {
      while (sent < FLOOD) {
        sent++;
        const response = await fetch(`${node.dataUrl}/flood`);
        await response.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: FLOOD_CONCURRENCY }, client));
    const seconds = Math.ceil((Date.now() - startedAt) / 1000) + 1;

    const counted = await waitFor("/metrics to count the flood", async () => {
      const text = await (await fetch(`${node.adminUrl}/metrics`)).text();
      // Past the ejection threshold the pool answers 503 itself: a failure too, of another cause.
      const total = metricSum(text, new RegExp(`^concierge_errors_total\\{route="${floodRouteId}",[^}]*\\} (\\d+)`, "gm"));
      return total >= FLOOD ? total : undefined;
    });
    expect(counted).toBe(FLOOD);

    // A stopping node writes every sample it still holds.
    nodeStopped = true;
    expect(await node.stop()).toBe(0);
    const stored = await database.db.requestSample.count({ where: { nodeId: NODE_ID, path: "/flood" } });
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThanOrEqual(SAMPLES_PER_SECOND * seconds);
  }, 120_000);
});
