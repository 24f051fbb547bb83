import { LATENCY_BUCKET_COUNT } from "@concierge/config/realtime";
import { writeRollups, type RollupRow } from "@concierge/db/repositories/rollups";
import { runRetention } from "@concierge/db/retention";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createTestDatabase,
  type TestDatabase,
} from "../../../../packages/db/test-support/fresh-database.ts";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

const DAY_MS = 86_400_000;
const NOW = new Date("2026-06-01T12:30:00Z");

function minuteRow(bucketStart: Date, fields: Partial<RollupRow> = {}): RollupRow {
  return {
    bucketStart,
    bucketSeconds: 60,
    nodeId: "n1",
    routeId: "r1",
    poolId: "p1",
    targetId: "t1",
    statusClass: "2xx",
    cacheStatus: "miss",
    requests: 1,
    errors: 0,
    errorCauses: [],
    bytesIn: 1,
    bytesOut: 10,
    latencySumMs: 2,
    latencyBuckets: new Array<number>(LATENCY_BUCKET_COUNT).fill(0),
    upstreamBuckets: new Array<number>(LATENCY_BUCKET_COUNT).fill(0),
    ...fields,
  };
}

const buckets = (entries: Record<number, number>) =>
  Array.from({ length: LATENCY_BUCKET_COUNT }, (_, index) => entries[index] ?? 0);

describe("traffic retention", () => {
  it("rolls minute buckets past retention into hour buckets, adding counters and histogram buckets exactly", async () => {
    const oldHour = new Date(NOW.getTime() - 8 * DAY_MS);
    oldHour.setUTCMinutes(0, 0, 0);
    const recent = new Date(NOW.getTime() - DAY_MS);
    const expired = new Date(NOW.getTime() - 100 * DAY_MS);
    await writeRollups(database.db, [
      minuteRow(new Date(oldHour.getTime() + 60_000), {
        requests: 3,
        bytesOut: 30,
        latencyBuckets: buckets({ 2: 2, 5: 1 }),
        upstreamBuckets: buckets({ 1: 3 }),
      }),
      minuteRow(new Date(oldHour.getTime() + 59 * 60_000), {
        requests: 4,
        errors: 1,
        bytesOut: 40,
        latencyBuckets: buckets({ 2: 1, 7: 3 }),
      }),
      minuteRow(new Date(oldHour.getTime() + 5 * 60_000), {
        cacheStatus: "hit",
        requests: 2,
        latencyBuckets: buckets({ 0: 2 }),
      }),
      minuteRow(recent, { requests: 9 }),
      { ...minuteRow(expired, { requests: 5 }), bucketSeconds: 3600 },
    ]);

    const result = await runRetention(
      database.db,
      { minuteRetentionMs: 7 * DAY_MS, hourRetentionMs: 90 * DAY_MS },
      NOW,
    );
    expect(result).toEqual({ ran: true, hourRowsWritten: 2, hourRowsDeleted: 1 });

    const rows = await database.db.trafficRollup.findMany({
      orderBy: [{ bucketStart: "asc" }, { cacheStatus: "asc" }],
    });
    const summary = rows.map((row) => ({
      bucketStart: row.bucketStart.toISOString(),
      bucketSeconds: row.bucketSeconds,
      cacheStatus: row.cacheStatus,
      requests: Number(row.requests),
      errors: Number(row.errors),
      bytesOut: Number(row.bytesOut),
      latencySumMs: row.latencySumMs,
      latency: row.latencyBuckets.map(Number),
      upstream: row.upstreamBuckets.map(Number),
    }));
    expect(summary).toEqual([
      {
        bucketStart: oldHour.toISOString(),
        bucketSeconds: 3600,
        cacheStatus: "hit",
        requests: 2,
        errors: 0,
        bytesOut: 10,
        latencySumMs: 2,
        latency: buckets({ 0: 2 }),
        upstream: buckets({}),
      },
      {
        bucketStart: oldHour.toISOString(),
        bucketSeconds: 3600,
        cacheStatus: "miss",
        requests: 7,
        errors: 1,
        bytesOut: 70,
        latencySumMs: 4,
        latency: buckets({ 2: 3, 5: 1, 7: 3 }),
        upstream: buckets({ 1: 3 }),
      },
      {
        bucketStart: recent.toISOString(),
        bucketSeconds: 60,
        cacheStatus: "miss",
        requests: 9,
        errors: 0,
        bytesOut: 10,
        latencySumMs: 2,
        latency: buckets({}),
        upstream: buckets({}),
      },
    ]);
  });

  it("lets one node run at a time: another caller returns at once while the lock is held", async () => {
    const whileHeld = await database.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext('concierge:traffic-retention'))::text AS held`;
      return runRetention(database.db, undefined, NOW);
    });
    expect(whileHeld).toEqual({ ran: false });
    // Once free, it runs, and finds nothing more to roll up: hour rows are never downsampled again.
    expect(await runRetention(database.db, undefined, NOW)).toEqual({
      ran: true,
      hourRowsWritten: 0,
      hourRowsDeleted: 0,
    });
  });
});
