import { LATENCY_BUCKET_COUNT } from "@concierge/config/realtime";
import {
  ERROR_CAUSE_COUNT,
  TRAFFIC_GROUP_BYS,
  type RollupRow,
  type TrafficGroupBy,
} from "@concierge/config/traffic";
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { Prisma } from "../generated/prisma/client.ts";
import { createTestDatabase, type TestDatabase } from "../test-support/fresh-database.ts";
import { databaseUrl, quoteIdentifier } from "../test-support/test-database-context.ts";
import { createDb, type Db } from "./client.ts";
import { migrate } from "./migrate.ts";
import { toRollupRow, writeRollups } from "./repositories/rollups.ts";
import {
  SUMMARY_LEVELS_SECONDS,
  planTrafficSegments,
  queryTraffic,
  type TrafficCell,
  type TrafficFilter,
} from "./repositories/traffic-query.ts";
import { runRetention } from "./retention.ts";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The dataset's last minute bucket starts just before this. */
const END = Date.parse("2026-06-10T14:37:00Z");

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
});

afterAll(async () => {
  await database?.drop();
});

/** Deterministic, so a failure can be replayed. */
function randomSource(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  return {
    int: (below: number) => Math.floor(next() * below),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (probability: number) => next() < probability,
  };
}

const NODES = ["node-a", "node-b"];
const ROUTES = [
  { routeId: "route-1", poolId: "pool-1", targets: ["t-1a", "t-1b"] },
  { routeId: "route-2", poolId: "pool-1", targets: ["t-2a"] },
  { routeId: "route-3", poolId: "pool-2", targets: ["t-3a", "t-3b", "t-3c"] },
  { routeId: "", poolId: "", targets: [""] },
];
const CELLS = [
  { statusClass: "2xx", cacheStatus: "miss", proxied: true },
  { statusClass: "2xx", cacheStatus: "hit", proxied: false },
  { statusClass: "2xx", cacheStatus: "revalidated", proxied: true },
  { statusClass: "2xx", cacheStatus: "stale", proxied: false },
  { statusClass: "4xx", cacheStatus: "bypass", proxied: true },
  { statusClass: "5xx", cacheStatus: "miss", proxied: true },
];

const counts = (random: ReturnType<typeof randomSource>, length: number, spread: number) =>
  Array.from({ length }, () => (random.chance(0.4) ? random.int(spread) : 0));

/** Rows of one bucket: a random subset of the identities, with random totals and histograms. */
function bucketRows(
  random: ReturnType<typeof randomSource>,
  bucketStart: number,
  bucketSeconds: number,
): RollupRow[] {
  const rows: RollupRow[] = [];
  for (const nodeId of NODES) {
    for (const route of ROUTES) {
      for (const cell of CELLS) {
        if (!random.chance(0.25)) continue;
        const latencyBuckets = counts(random, LATENCY_BUCKET_COUNT, 50);
        const requests = latencyBuckets.reduce((sum, count) => sum + count, 0);
        const errorCauses =
          cell.statusClass === "5xx"
            ? counts(random, ERROR_CAUSE_COUNT, 9)
            : Array<number>(ERROR_CAUSE_COUNT).fill(0);
        rows.push({
          bucketStart: new Date(bucketStart),
          bucketSeconds,
          nodeId,
          routeId: route.routeId,
          poolId: route.poolId,
          targetId: cell.proxied ? random.pick(route.targets) : "",
          statusClass: cell.statusClass,
          cacheStatus: cell.cacheStatus,
          requests,
          errors: errorCauses.reduce((sum, count) => sum + count, 0),
          errorCauses,
          bytesIn: random.int(1_000),
          bytesOut: random.int(100_000),
          latencySumMs: random.int(10_000),
          latencyBuckets,
          upstreamBuckets: counts(random, LATENCY_BUCKET_COUNT, 20),
        });
      }
    }
  }
  return rows;
}

/**
 * Three days of minute buckets before END, preceded by two days of hour buckets (history already
 * downsampled), written in batches as nodes do, then some minutes written again with new totals.
 */
async function seedMixedHistory(): Promise<void> {
  const random = randomSource(7);
  const minuteStart = END - 3 * DAY_MS;
  for (let hour = minuteStart - 2 * DAY_MS; hour < minuteStart; hour += HOUR_MS) {
    await writeRollups(db, bucketRows(random, hour, 3_600));
  }
  // Minutes are sparse (every 7th) to keep the test quick, yet hit every level's edges.
  for (let start = minuteStart; start < END; start += 7 * MINUTE_MS * 10) {
    const batch: RollupRow[] = [];
    for (
      let minute = start;
      minute < Math.min(END, start + 70 * MINUTE_MS);
      minute += 7 * MINUTE_MS
    ) {
      batch.push(...bucketRows(random, minute, 60));
    }
    await writeRollups(db, batch);
  }
  // A node restarted and wrote complete totals again for a few buckets it had already written.
  const rewritten = await readRollups();
  const again = rewritten
    .filter((row) => row.bucketSeconds === 60 && random.chance(0.1))
    .map((row) => ({
      ...row,
      requests: row.requests + 3,
      latencyBuckets: row.latencyBuckets.map((count, index) => (index === 4 ? count + 3 : count)),
    }));
  await writeRollups(db, again);
}

async function readRollups(): Promise<RollupRow[]> {
  return (await db.trafficRollup.findMany()).map(toRollupRow);
}

const ROW_KEYS = {
  route: "routeId",
  pool: "poolId",
  target: "targetId",
  status: "statusClass",
  node: "nodeId",
  cache: "cacheStatus",
} as const satisfies Record<TrafficGroupBy, keyof RollupRow>;

const addInto = (into: number[], values: readonly number[]) =>
  values.forEach((value, index) => {
    into[index] = (into[index] ?? 0) + value;
  });

/** What summing the stored rollups themselves gives: the answer the query must equal. */
/** A cell as the query answers it, plus the error causes the summaries must keep too. */
type ExpectedCell = TrafficCell & { errorCauses: number[] };

function expectedCells(rows: readonly RollupRow[], filter: TrafficFilter): ExpectedCell[] {
  const cells = new Map<string, ExpectedCell>();
  for (const row of rows) {
    const start = row.bucketStart.getTime();
    if (start < filter.from.getTime() || start >= filter.to.getTime()) continue;
    if (filter.routeId !== undefined && row.routeId !== filter.routeId) continue;
    if (filter.poolId !== undefined && row.poolId !== filter.poolId) continue;
    if (filter.nodeId !== undefined && row.nodeId !== filter.nodeId) continue;
    const key = row[ROW_KEYS[filter.groupBy]];
    const slot = Math.floor(start / 1000 / filter.stepSeconds) * filter.stepSeconds;
    const id = `${key}\n${slot}`;
    const cell = cells.get(id) ?? {
      key,
      slot,
      requests: 0,
      errors: 0,
      errorCauses: new Array<number>(ERROR_CAUSE_COUNT).fill(0),
      bytesOut: 0,
      bytesSaved: 0,
      cacheHits: 0,
      cacheMisses: 0,
      latency: new Array<number>(LATENCY_BUCKET_COUNT).fill(0),
    };
    cell.requests += row.requests;
    cell.errors += row.errors;
    addInto(cell.errorCauses, row.errorCauses);
    cell.bytesOut += row.bytesOut;
    if (["hit", "stale", "revalidated"].includes(row.cacheStatus)) cell.bytesSaved += row.bytesOut;
    if (["hit", "revalidated"].includes(row.cacheStatus)) cell.cacheHits += row.requests;
    if (row.cacheStatus === "miss") cell.cacheMisses += row.requests;
    addInto(cell.latency, row.latencyBuckets);
    cells.set(id, cell);
  }
  return sortCells([...cells.values()]);
}

const sortCells = <Cell extends TrafficCell>(cells: Cell[]) =>
  cells.sort((a, b) => a.key.localeCompare(b.key) || a.slot - b.slot);

const asQueried = (cell: ExpectedCell): TrafficCell => {
  expect(cell.errorCauses).toHaveLength(ERROR_CAUSE_COUNT);
  return cell;
};

/** Ranges that start and end off every boundary, across the minute/hour boundary and within it. */
const RANGES = [
  { name: "5 days, step 1 day", from: END - 5 * DAY_MS + 17 * MINUTE_MS, to: END, step: 86_400 },
  {
    name: "5 days, step 6 h",
    from: END - 5 * DAY_MS - 3 * HOUR_MS,
    to: END + 5 * MINUTE_MS,
    step: 21_600,
  },
  {
    name: "4 days, step 1 h",
    from: END - 4 * DAY_MS + 90 * MINUTE_MS,
    to: END - 7 * MINUTE_MS,
    step: 3_600,
  },
  { name: "30 h, step 15 min", from: END - 30 * HOUR_MS + 8 * MINUTE_MS, to: END, step: 900 },
  {
    name: "10 h, step 5 min",
    from: END - 10 * HOUR_MS - 3 * MINUTE_MS,
    to: END - MINUTE_MS,
    step: 300,
  },
  { name: "2 h, step 1 min", from: END - 2 * HOUR_MS, to: END, step: 60 },
  { name: "1 day, step 2 h", from: END - DAY_MS - 11 * MINUTE_MS, to: END, step: 7_200 },
];

async function expectQueriesExact(): Promise<void> {
  const rows = await readRollups();
  for (const range of RANGES) {
    for (const groupBy of TRAFFIC_GROUP_BYS) {
      const filter: TrafficFilter = {
        from: new Date(range.from),
        to: new Date(range.to),
        stepSeconds: range.step,
        groupBy,
      };
      const expected = expectedCells(rows, filter).map(asQueried);
      expect(expected.length, `${range.name} by ${groupBy} has data`).toBeGreaterThan(0);
      expect(sortCells(await queryTraffic(db, filter)), `${range.name} by ${groupBy}`).toEqual(
        expected,
      );
    }
  }
  const filtered: TrafficFilter[] = [
    {
      from: new Date(RANGES[0]!.from),
      to: new Date(END),
      stepSeconds: 21_600,
      groupBy: "node",
      routeId: "route-3",
    },
    {
      from: new Date(RANGES[2]!.from),
      to: new Date(END),
      stepSeconds: 3_600,
      groupBy: "status",
      poolId: "pool-1",
    },
    {
      from: new Date(RANGES[3]!.from),
      to: new Date(END),
      stepSeconds: 900,
      groupBy: "route",
      nodeId: "node-b",
    },
    {
      from: new Date(RANGES[0]!.from),
      to: new Date(END),
      stepSeconds: 86_400,
      groupBy: "target",
      routeId: "route-1",
    },
    // Cluster-wide views with a route or pool filter, down to the finest summary level.
    {
      from: new Date(RANGES[3]!.from),
      to: new Date(END),
      stepSeconds: 900,
      groupBy: "pool",
      routeId: "route-1",
    },
    {
      from: new Date(RANGES[4]!.from),
      to: new Date(END),
      stepSeconds: 300,
      groupBy: "route",
      poolId: "pool-1",
    },
  ];
  for (const filter of filtered) {
    const expected = expectedCells(rows, filter).map(asQueried);
    expect(expected.length, `by ${filter.groupBy}, filtered, has data`).toBeGreaterThan(0);
    expect(sortCells(await queryTraffic(db, filter))).toEqual(expected);
  }
}

interface SummaryRow {
  seconds: number;
  start: number;
  identity: string;
  requests: number;
  errors: number;
  errorCauses: number[];
  bytesOut: number;
  bytesSaved: number;
  cacheHits: number;
  cacheMisses: number;
  latency: number[];
}

/** Each summary table and the rollup fields its rows are keyed by, besides the bucket. */
const SUMMARY_TABLES = {
  traffic_summaries: ["nodeId", "routeId", "poolId", "statusClass"],
  traffic_cluster_summaries: ["routeId", "poolId", "statusClass"],
} as const satisfies Record<string, ReadonlyArray<keyof RollupRow>>;
type SummaryTable = keyof typeof SUMMARY_TABLES;
const SUMMARY_TABLE_NAMES = Object.keys(SUMMARY_TABLES) as SummaryTable[];

async function readSummaries(table: SummaryTable, source: Db = db): Promise<SummaryRow[]> {
  const rows = await source.$queryRaw<
    Array<Omit<SummaryRow, "identity" | "start"> & { start: Date; identity: string[] }>
  >`SELECT bucket_seconds AS seconds, bucket_start AS start,
      ARRAY[${Prisma.raw(table === "traffic_summaries" ? "node_id, " : "")}route_id, pool_id, status_class] AS identity,
      requests::float8 AS requests, errors::float8 AS errors,
      coalesce(error_causes, '{}')::float8[] AS "errorCauses", bytes_out::float8 AS "bytesOut",
      bytes_saved::float8 AS "bytesSaved", cache_hits::float8 AS "cacheHits",
      cache_misses::float8 AS "cacheMisses", coalesce(latency_buckets, '{}')::float8[] AS latency
    FROM ${Prisma.raw(table)}`;
  return rows
    .map((row) => ({ ...row, start: row.start.getTime(), identity: row.identity.join("/") }))
    .sort(
      (a, b) => a.seconds - b.seconds || a.start - b.start || a.identity.localeCompare(b.identity),
    );
}

const readAllSummaries = async (source: Db = db): Promise<Record<SummaryTable, SummaryRow[]>> =>
  Object.fromEntries(
    await Promise.all(
      SUMMARY_TABLE_NAMES.map(
        async (table) => [table, await readSummaries(table, source)] as const,
      ),
    ),
  ) as Record<SummaryTable, SummaryRow[]>;

/**
 * Both summary tables recomputed from the rollups, at every level, for buckets starting at or
 * after `since`.
 */
async function expectSummariesMatchRollups(
  sinceByLevel: (seconds: number) => number,
): Promise<void> {
  const rollups = await readRollups();
  for (const table of SUMMARY_TABLE_NAMES) {
    const stored = (await readSummaries(table)).filter(
      (row) => row.start >= sinceByLevel(row.seconds) && row.requests + row.bytesOut > 0,
    );
    for (const seconds of SUMMARY_LEVELS_SECONDS) {
      const cells = expectedCells(
        rollups.map((row) => ({
          ...row,
          statusClass: SUMMARY_TABLES[table].map((field) => row[field]).join("/"),
        })),
        {
          from: new Date(sinceByLevel(seconds)),
          to: new Date(END + DAY_MS),
          stepSeconds: seconds,
          groupBy: "status",
        },
      );
      const expected = cells.filter((cell) => cell.requests + cell.bytesOut > 0);
      const actual = stored.filter((row) => row.seconds === seconds);
      expect(
        actual.map((row) => [
          row.start / 1000,
          row.identity,
          row.requests,
          row.errors,
          row.bytesOut,
          row.bytesSaved,
          row.cacheHits,
          row.cacheMisses,
          row.latency,
          row.errorCauses,
        ]),
        `${table} level ${seconds}`,
      ).toEqual(
        expected
          .sort((a, b) => a.slot - b.slot || a.key.localeCompare(b.key))
          .map((cell) => [
            cell.slot,
            cell.key,
            cell.requests,
            cell.errors,
            cell.bytesOut,
            cell.bytesSaved,
            cell.cacheHits,
            cell.cacheMisses,
            cell.latency,
            cell.errorCauses,
          ]),
      );
    }
  }
}

describe("traffic history", () => {
  it("splits a range into whole buckets of the coarsest level the step allows, rollups at the edges", () => {
    const from = Date.parse("2026-06-01T10:37:00Z");
    const to = Date.parse("2026-06-03T00:20:00Z");
    const allKept = SUMMARY_LEVELS_SECONDS.map((seconds) => ({ seconds, since: 0 }));
    const segments = planTrafficSegments(from, to, 21_600, allKept);
    expect(
      segments.map((segment) => [
        segment.source,
        new Date(segment.from).toISOString(),
        new Date(segment.to).toISOString(),
      ]),
    ).toEqual([
      ["rollups", "2026-06-01T10:37:00.000Z", "2026-06-01T10:40:00.000Z"],
      [300, "2026-06-01T10:40:00.000Z", "2026-06-01T10:45:00.000Z"],
      [900, "2026-06-01T10:45:00.000Z", "2026-06-01T11:00:00.000Z"],
      [3_600, "2026-06-01T11:00:00.000Z", "2026-06-01T12:00:00.000Z"],
      [21_600, "2026-06-01T12:00:00.000Z", "2026-06-03T00:00:00.000Z"],
      [900, "2026-06-03T00:00:00.000Z", "2026-06-03T00:15:00.000Z"],
      [300, "2026-06-03T00:15:00.000Z", "2026-06-03T00:20:00.000Z"],
    ]);
    // A step no level divides reads the rollups only.
    expect(planTrafficSegments(from, to, 120, allKept)).toEqual([{ source: "rollups", from, to }]);
    // Before a level's first kept bucket, the next finer source answers.
    const fineFromNoon = allKept.map((level) => ({
      ...level,
      since: level.seconds < 3_600 ? Date.parse("2026-06-01T12:00:00Z") : 0,
    }));
    expect(
      planTrafficSegments(from, Date.parse("2026-06-01T12:10:00Z"), 300, fineFromNoon),
    ).toEqual([
      { source: "rollups", from, to: Date.parse("2026-06-01T12:00:00Z") },
      {
        source: 300,
        from: Date.parse("2026-06-01T12:00:00Z"),
        to: Date.parse("2026-06-01T12:10:00Z"),
      },
    ]);
  });

  it("answers every grouping, step and filter exactly as summing the rollups does, across the minute/hour boundary", async () => {
    await seedMixedHistory();
    await expectSummariesMatchRollups(() => 0);
    await expectQueriesExact();
  }, 120_000);

  it("keeps the summaries exact when rollups are written again with the same totals", async () => {
    const before = await readAllSummaries();
    const rows = await readRollups();
    await writeRollups(db, rows.slice(0, 400));
    await writeRollups(db, rows.slice(0, 400));
    expect(await readAllSummaries()).toEqual(before);
  });

  it("stays exact after downsampling and expiry, and a second retention run changes nothing", async () => {
    const now = new Date(END + 6 * DAY_MS - 5 * HOUR_MS);
    const policy = { minuteRetentionMs: 7 * DAY_MS, hourRetentionMs: 10 * DAY_MS };
    const minuteCutoff = Math.floor((now.getTime() - policy.minuteRetentionMs) / HOUR_MS) * HOUR_MS;
    const hourCutoff = now.getTime() - policy.hourRetentionMs;
    const moved = await runRetention(db, policy, now);
    expect(moved).toMatchObject({ ran: true });
    if (!moved.ran) return;
    expect(moved.hourRowsWritten).toBeGreaterThan(0);
    expect(moved.hourRowsDeleted).toBeGreaterThan(0);

    const rollups = await readRollups();
    expect(
      rollups.some((row) => row.bucketSeconds === 60 && row.bucketStart.getTime() < minuteCutoff),
    ).toBe(false);
    expect(rollups.some((row) => row.bucketStart.getTime() < hourCutoff)).toBe(false);
    // Error causes move with the minutes into their hour.
    expect(
      rollups.some(
        (row) =>
          row.bucketSeconds === 3_600 &&
          row.bucketStart.getTime() >= END - 3 * DAY_MS &&
          row.errorCauses.some((count) => count > 0),
      ),
    ).toBe(true);

    for (const table of SUMMARY_TABLE_NAMES) {
      const summaries = await readSummaries(table);
      expect(summaries.some((row) => row.seconds < 3_600 && row.start < minuteCutoff)).toBe(false);
      expect(summaries.some((row) => row.start + row.seconds * 1000 <= hourCutoff)).toBe(false);
    }
    const since = (seconds: number) => (seconds < 3_600 ? minuteCutoff : 0);
    await expectSummariesMatchRollups(since);
    await expectQueriesExact();

    const snapshot = { rollups: await readRollups(), summaries: await readAllSummaries() };
    expect(await runRetention(db, policy, now)).toEqual({
      ran: true,
      hourRowsWritten: 0,
      hourRowsDeleted: 0,
    });
    expect({ rollups: await readRollups(), summaries: await readAllSummaries() }).toEqual(snapshot);
  }, 120_000);
});

describe("count arrays of different lengths", () => {
  it("are added position by position, whether the stored or the new array is the longer", async () => {
    const fresh = await createTestDatabase();
    try {
      const row = (targetId: string, length: number): RollupRow => ({
        ...bucketRows(randomSource(3), END, 60)[0]!,
        targetId,
        latencyBuckets: Array.from({ length }, (_, index) => index + 1),
        errorCauses: Array.from({ length: Math.min(length, ERROR_CAUSE_COUNT) }, () => 2),
      });
      // Shorter than stored layouts, then a full one, then shorter again: stored arrays both
      // shorter and longer than what is added.
      const writes = [row("t-short", 3), row("t-full", LATENCY_BUCKET_COUNT), row("t-shorter", 2)];
      for (const write of writes) await writeRollups(fresh.db, [write]);

      const latency = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, index) =>
        writes.reduce((sum, write) => sum + (write.latencyBuckets[index] ?? 0), 0),
      );
      const errorCauses = Array.from({ length: ERROR_CAUSE_COUNT }, (_, index) =>
        writes.reduce((sum, write) => sum + (write.errorCauses[index] ?? 0), 0),
      );
      for (const table of SUMMARY_TABLE_NAMES) {
        const summaries = await readSummaries(table, fresh.db);
        expect(summaries.map((summary) => summary.seconds)).toEqual(
          [...SUMMARY_LEVELS_SECONDS].reverse(),
        );
        for (const summary of summaries) expect(summary).toMatchObject({ latency, errorCauses });
      }
    } finally {
      await fresh.drop();
    }
  });
});

describe("the upgrades that add summaries", () => {
  const MIGRATIONS = fileURLToPath(new URL("../../../prisma/migrations", import.meta.url));

  async function adminQuery(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: inject("testDatabase").adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  it.each([
    ["per node", "20261125210000_traffic_history"],
    ["with the nodes added together", "20261126000000_cluster_traffic_summaries"],
  ])(
    "%s summarizes the history stored before it, as the triggers would have",
    async (_name, migration) => {
      const name = `concierge_test_upgrade_${randomBytes(6).toString("hex")}`;
      const earlier = await mkdtemp(join(tmpdir(), "concierge-migrations-"));
      await adminQuery(`CREATE DATABASE ${quoteIdentifier(name)}`);
      const upgraded = createDb({ url: databaseUrl(inject("testDatabase").adminUrl, name) });
      const fresh = await createTestDatabase();
      try {
        for (const entry of await readdir(MIGRATIONS)) {
          if (entry < migration)
            await cp(join(MIGRATIONS, entry), join(earlier, entry), { recursive: true });
        }
        const url = databaseUrl(inject("testDatabase").adminUrl, name);
        await migrate(url, undefined, { migrationsDir: earlier });
        const random = randomSource(11);
        const rows = [
          ...bucketRows(random, END - 2 * DAY_MS, 3_600),
          ...bucketRows(random, END - 10 * MINUTE_MS, 60),
          ...bucketRows(random, END - MINUTE_MS, 60),
        ];
        await writeRollups(upgraded, rows);
        await migrate(url);

        await writeRollups(fresh.db, rows);
        const expected = await readAllSummaries(fresh.db);
        for (const table of SUMMARY_TABLE_NAMES) expect(expected[table]).not.toHaveLength(0);
        expect(await readAllSummaries(upgraded)).toEqual(expected);
      } finally {
        await upgraded.$disconnect();
        await fresh.drop();
        await adminQuery(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
        await rm(earlier, { recursive: true, force: true });
      }
    },
    60_000,
  );
});

describe("batches written by several nodes at once", () => {
  /** One node's minute for `routes` routes, in the given order, each route a 2xx miss of `requests`. */
  const minuteOf = (nodeId: string, routeIds: readonly string[], requests: number): RollupRow[] =>
    routeIds.map((routeId) => ({
      ...bucketRows(randomSource(5), END, 60)[0]!,
      nodeId,
      routeId,
      poolId: "pool-shared",
      targetId: `${routeId}-target`,
      statusClass: "2xx",
      cacheStatus: "miss",
      requests,
      errors: 0,
      errorCauses: Array<number>(ERROR_CAUSE_COUNT).fill(0),
    }));

  it("never deadlock on the shared summaries, however large and however ordered", async () => {
    const fresh = await createTestDatabase();
    try {
      const routeIds = Array.from({ length: 1_200 }, (_, index) => `route-${String(index).padStart(4, "0")}`);
      // Overlapping route sets in opposite orders: the shape that made chunked batches lock crosswise.
      const nodeA = minuteOf("node-a", routeIds.slice(0, 900), 2);
      const nodeB = minuteOf("node-b", routeIds.slice(300).reverse(), 3);
      for (let round = 0; round < 3; round++) {
        await Promise.all([writeRollups(fresh.db, nodeA), writeRollups(fresh.db, nodeB)]);
      }
      const cluster = await readSummaries("traffic_cluster_summaries", fresh.db);
      const fiveMinutes = cluster.filter((row) => row.seconds === 300);
      expect(fiveMinutes).toHaveLength(1_200);
      expect(fiveMinutes.reduce((sum, row) => sum + row.requests, 0)).toBe(900 * 2 + 900 * 3);
    } finally {
      await fresh.drop();
    }
  }, 60_000);

  it("keep the last of rows that share an identity in one batch", async () => {
    const fresh = await createTestDatabase();
    try {
      const [first] = minuteOf("node-a", ["route-1"], 4);
      await writeRollups(fresh.db, [first!, { ...first!, requests: 9 }]);
      const stored = await fresh.db.trafficRollup.findMany();
      expect(stored.map((row) => Number(row.requests))).toEqual([9]);
    } finally {
      await fresh.drop();
    }
  });
});
