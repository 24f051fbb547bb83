import type { RollupRow } from "@concierge/config/traffic";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";

import { startRollupWriter, type RollupStore } from "../../src/metrics/rollup-writer.ts";
import { trafficInterval } from "./support/traffic-interval.ts";

const BUCKET_MS = 1_000;
const log = pino({ level: "silent" });

/** As traffic_rollups: a written row replaces what the bucket stored for the row's identity. */
function memoryStore(): RollupStore & { requests(): number } {
  const rows = new Map<string, RollupRow>();
  const key = (row: RollupRow) =>
    [row.bucketStart.getTime(), row.routeId, row.targetId, row.statusClass, row.cacheStatus].join(
      "\n",
    );
  return {
    write(written) {
      for (const row of written) rows.set(key(row), structuredClone(row));
      return Promise.resolve();
    },
    readBucket(_nodeId, bucketStart) {
      const stored = [...rows.values()].filter(
        (row) => row.bucketStart.getTime() === bucketStart.getTime(),
      );
      return Promise.resolve(stored.map((row) => structuredClone(row)));
    },
    requests: () => [...rows.values()].reduce((sum, row) => sum + row.requests, 0),
  };
}

/** The writer as a node's primary runs it, over `store`, with second-long buckets. */
function startWriter(store: RollupStore) {
  return startRollupWriter({ store, nodeId: "n", bucketMs: BUCKET_MS, maxBuckets: 10, log });
}

afterEach(() => {
  vi.useRealTimers();
});

/**
 * Workers report on their own clocks and the primary drains their intervals once a second, so an
 * interval taken late in a bucket may reach the writer after that bucket was written.
 */
describe("an interval that reaches the rollup writer after its bucket was written", () => {
  it("is added to what the bucket stored", async () => {
    vi.useFakeTimers({ now: 10 * BUCKET_MS, toFake: ["Date", "setInterval", "clearInterval"] });
    const store = memoryStore();
    const writer = startWriter(store);

    writer.add(trafficInterval(11 * BUCKET_MS + 100, 5));
    await vi.advanceTimersByTimeAsync(2 * BUCKET_MS);
    expect(store.requests()).toBe(5);

    writer.add(trafficInterval(11 * BUCKET_MS + 900, 3));
    await writer.stop();
    expect(store.requests()).toBe(8);
  });

  it("is added to what the bucket stored when it arrives during the write", async () => {
    vi.useFakeTimers({ now: 10 * BUCKET_MS, toFake: ["Date", "setInterval", "clearInterval"] });
    const store = memoryStore();
    let releaseWrite = () => {};
    const writeHeld = new Promise<void>((resolve) => (releaseWrite = resolve));
    const writer = startWriter({
      readBucket: (nodeId, bucketStart, bucketSeconds) =>
        store.readBucket(nodeId, bucketStart, bucketSeconds),
      async write(rows) {
        await store.write(rows);
        await writeHeld;
      },
    });

    writer.add(trafficInterval(11 * BUCKET_MS + 100, 5));
    await vi.advanceTimersByTimeAsync(2 * BUCKET_MS);
    expect(store.requests()).toBe(5);

    writer.add(trafficInterval(11 * BUCKET_MS + 900, 3));
    releaseWrite();
    await writer.stop();
    expect(store.requests()).toBe(8);
  });
});
