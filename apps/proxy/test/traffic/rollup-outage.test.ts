import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { createDb, type Db } from "@concierge/db/client";
import { openDatabase, type OpenDatabase } from "@concierge/db/connection";
import { readNodeBucket, writeRollups, type RollupRow } from "@concierge/db/repositories/rollups";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createIntervalReader } from "../../src/metrics/interval-reader.ts";
import { startRollupWriter, type RollupWriter } from "../../src/metrics/rollup-writer.ts";
import { waitFor } from "../control/support/wait-for.ts";
import { snapshotOf, startOrigin, startProxy, type Origin, type Proxy } from "../front/support.ts";
import { trafficInterval } from "./support/traffic-interval.ts";

const NODE_ID = "node-outage";
const log = pino({ level: "silent" });

let dataDir: string;
let database: OpenDatabase;
let db: Db;
let origin: Origin;
let proxy: Proxy;
const store = {
  write: (rows: readonly RollupRow[]) => writeRollups(db, rows),
  readBucket: (nodeId: string, bucketStart: Date, bucketSeconds: number) =>
    readNodeBucket(db, nodeId, bucketStart, bucketSeconds),
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "concierge-rollups-"));
  database = await openDatabase({ dataDir });
  db = createDb({ url: database.url, maxConnections: 2 });
  origin = await startOrigin((_req, res) => res.end("hello"));
  proxy = await startProxy({ snapshot: snapshotOf([origin], [{ pathPrefix: "/" }]) });
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await origin?.close();
  await db?.$disconnect();
  await database?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** `count` requests, 4 at a time; every one must be answered 200. */
async function load(count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const response = await fetch(`${proxy.url}/item`);
      await response.arrayBuffer();
      expect(response.status).toBe(200);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

async function storedRequests(): Promise<number> {
  const rows = await db.trafficRollup.findMany({
    where: { nodeId: NODE_ID },
    select: { requests: true },
  });
  return rows.reduce((sum, row) => sum + Number(row.requests), 0);
}

describe("rollups across a database outage", () => {
  it("buffers while PostgreSQL is stopped and, once it is back, has every request counted exactly once", async () => {
    const reader = createIntervalReader({
      registry: proxy.runtime.metrics,
      targetStates: () => proxy.runtime.targetStates(),
      config: proxy.runtime,
    });
    const writer: RollupWriter = startRollupWriter({
      store,
      nodeId: NODE_ID,
      bucketMs: 1_000,
      maxBuckets: 1_000,
      log,
    });
    const pump = setInterval(() => writer.add(reader.take()), 100);
    let sent = 0;
    try {
      await load(200);
      sent += 200;
      await waitFor(
        "the first buckets to be written",
        async () => (await storedRequests()) > 0,
        10_000,
      );

      await database.stop();
      // Traffic goes on while the database is away, until closed buckets pile up unwritten.
      await waitFor(
        "buckets to be buffered during the outage",
        async () => {
          await load(20);
          sent += 20;
          return writer.buffered >= 3;
        },
        15_000,
      );

      database = await openDatabase({ dataDir });
      await load(200);
      sent += 200;
      await waitFor("the buffer to drain", () => writer.buffered <= 1, 15_000);
    } finally {
      clearInterval(pump);
    }
    writer.add(reader.take());
    await writer.stop();

    expect(sent).toBeGreaterThan(400);
    expect(await storedRequests()).toBe(sent);
  }, 60_000);

  it("writes a retried batch without counting it twice", async () => {
    const bucketStart = new Date("2026-01-01T00:00:00Z");
    const row = {
      bucketStart,
      bucketSeconds: 60,
      nodeId: "node-retry",
      routeId: "r",
      poolId: "p",
      targetId: "t",
      statusClass: "2xx",
      cacheStatus: "miss",
      requests: 7,
      errors: 0,
      errorCauses: [],
      bytesIn: 0,
      bytesOut: 70,
      latencySumMs: 14,
      latencyBuckets: Array.from({ length: 21 }, (_, index) => (index === 3 ? 7 : 0)),
      upstreamBuckets: new Array<number>(21).fill(0),
    };
    await writeRollups(db, [row]);
    await writeRollups(db, [row]);
    const stored = await readNodeBucket(db, "node-retry", bucketStart, 60);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.requests).toBe(7);
    expect(stored[0]?.latencyBuckets[3]).toBe(7);
  });

  it("adds a restarted writer's counts to what the node already wrote for the bucket it started in", async () => {
    const first = startRollupWriter({
      store,
      nodeId: "node-restart",
      bucketMs: 86_400_000,
      maxBuckets: 10,
      log,
    });
    const interval = trafficInterval(Date.now(), 5, 6);
    first.add(interval);
    await first.stop();
    const second = startRollupWriter({
      store,
      nodeId: "node-restart",
      bucketMs: 86_400_000,
      maxBuckets: 10,
      log,
    });
    second.add(interval);
    await second.stop();
    const rows = await db.trafficRollup.findMany({ where: { nodeId: "node-restart" } });
    expect(rows.map((row) => Number(row.requests))).toEqual([10]);
  });
});
