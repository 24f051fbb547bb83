/**
 * The traffic history query at volume: seeds a throwaway database with the history of 50 routes
 * kept at the default retention (minute rollups for 7 days, hour rollups behind them), then times
 * the views the dashboard's history page asks for through the API's own code path (step chosen
 * from the range as the API does, then `queryTraffic`). Also times one node's minute batch through
 * `writeRollups`, which now maintains the summaries too.
 *
 * `node --import tsx scripts/bench/history-query.ts [--hour-days 90] [--repeats 20] [--json] [--keep]`
 * (`npm run bench:history`); the database server is TEST_DATABASE_URL's or DATABASE_URL's.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

import { LATENCY_BUCKET_COUNT } from "@concierge/config/realtime";
import {
  chooseTrafficStep,
  ERROR_CAUSE_COUNT,
  type RollupRow,
  type TrafficGroupBy,
} from "@concierge/config/traffic";
import { createDb, type Db } from "@concierge/db/client";
import { migrate } from "@concierge/db/migrate";
import { oldestMinuteRollup, queryTraffic, writeRollups } from "@concierge/db/repositories/rollups";
import { DEFAULT_RETENTION, runRetention } from "@concierge/db/retention";
import pg from "pg";

export interface HistoryQueryOptions {
  /** A PostgreSQL server URL; the benchmark makes and drops its own database there. */
  serverUrl: string;
  routes?: number;
  targetsPerRoute?: number;
  nodes?: number;
  /** Days of hour rollups kept; the default retention keeps 90, day 30 is what the 30-day view reads. */
  hourDays?: number;
  /** Timed runs of each view, after two untimed ones. */
  repeats?: number;
  /** Leaves the seeded database in place (its name is logged), to look at plans afterwards. */
  keepDatabase?: boolean;
  log?: (message: string) => void;
}

export interface HistoryViewTiming {
  name: string;
  groupBy: TrafficGroupBy;
  rangeSeconds: number;
  stepSeconds: number;
  /** Cells (group × step) the query returned. */
  cells: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface HistoryQueryReport {
  postgres: string;
  volume: {
    routes: number;
    targets: number;
    nodes: number;
    minuteDays: number;
    hourDays: number;
    minuteRows: number;
    hourRows: number;
    summaryRows: Record<string, number>;
    /** Rows per level of the summaries with the nodes added together. */
    clusterSummaryRows: Record<string, number>;
    rollupsTableBytes: number;
    summariesTableBytes: number;
    clusterSummariesTableBytes: number;
    seedSeconds: number;
  };
  repeats: number;
  views: HistoryViewTiming[];
  /** One node's rollups of one minute (all routes) written through `writeRollups`, summaries included. */
  minuteBatch: { rows: number; p50Ms: number; maxMs: number };
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The cells of one route and minute: per target a 2xx miss always, a 4xx in about a third of the
 * minutes and a 5xx in a few; cache hits (no target) always, stale answers now and then.
 */
const CELLS_SQL = `(VALUES
  (1, '2xx', 'miss', 1.0), (2, '2xx', 'miss', 1.0), (3, '2xx', 'miss', 1.0),
  (1, '4xx', 'miss', 0.3), (2, '4xx', 'miss', 0.3), (3, '4xx', 'miss', 0.3),
  (1, '5xx', 'miss', 0.03), (2, '5xx', 'miss', 0.03), (3, '5xx', 'miss', 0.03),
  (0, '2xx', 'hit', 1.0), (0, '2xx', 'stale', 0.05)
) AS cell(target, status_class, cache_status, share)`;

/** `count` requests spread like a web latency distribution over the fixed buckets (most in 2–32 ms). */
const histogram = (count: string, shift: number) => {
  const shares = [0, 0, 0, 0.02, 0.05, 0.1, 0.2, 0.25, 0.2, 0.1, 0.05, 0.02, 0.01];
  const values = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, index) => {
    const share = shares[index - shift] ?? 0;
    return share === 0 ? "0" : `floor(${count} * ${share})::bigint`;
  });
  return `ARRAY[${values.join(", ")}]::bigint[]`;
};

/** Rollup rows of `bucketSeconds` each, `bucketCount` of them from `startSql` on. */
function seedSql(options: {
  startSql: string;
  bucketSeconds: number;
  bucketCount: number;
  nodes: number;
  routes: number;
  targetsPerRoute: number;
}): string {
  const minutes = options.bucketSeconds / 60;
  // Hour rows hold every cell that occurred in any of their minutes: sparse cells are present.
  const present = minutes === 1 ? "random() < cell.share" : "cell.share >= 0.03";
  const requests = `(${minutes} * (1 + floor(random() * 40) * cell.share))::bigint`;
  const causes = Array.from({ length: ERROR_CAUSE_COUNT }, (_, index) =>
    index === 0 ? "CASE WHEN q.status_class = '5xx' THEN q.requests ELSE 0 END" : "0",
  ).join(", ");
  return `
    INSERT INTO traffic_rollups (bucket_start, bucket_seconds, node_id, route_id, pool_id, target_id, status_class,
      cache_status, requests, errors, error_causes, bytes_in, bytes_out, latency_sum_ms, latency_buckets, upstream_buckets)
    SELECT q.bucket_start, ${options.bucketSeconds}, q.node_id, q.route_id, q.pool_id, q.target_id, q.status_class,
      q.cache_status, q.requests, CASE WHEN q.status_class = '5xx' THEN q.requests ELSE 0 END, ARRAY[${causes}]::bigint[],
      q.requests * 300, q.requests * 12000, q.requests * 14.5, ${histogram("q.requests", 0)},
      CASE WHEN q.target_id = '' THEN '{}'::bigint[] ELSE ${histogram("q.requests", 1)} END
    FROM (
      SELECT ${options.startSql} + bucket * interval '${options.bucketSeconds} seconds' AS bucket_start,
        'node-' || node AS node_id,
        md5('route' || route)::uuid::text AS route_id,
        md5('pool' || (route % 10))::uuid::text AS pool_id,
        CASE WHEN cell.target = 0 THEN '' ELSE md5('target' || route || '-' || least(cell.target, ${options.targetsPerRoute}))::uuid::text END AS target_id,
        cell.status_class, cell.cache_status, ${requests} AS requests
      FROM generate_series(0, ${options.bucketCount - 1}) AS bucket,
        generate_series(1, ${options.nodes}) AS node,
        generate_series(1, ${options.routes}) AS route,
        ${CELLS_SQL}
      WHERE ${present}
    ) AS q
    ON CONFLICT DO NOTHING`;
}

const percentile = (sorted: readonly number[], quantile: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] ?? 0;
const round = (value: number) => Math.round(value * 10) / 10;

async function withServer<T>(
  serverUrl: string,
  run: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * Seeds the history as if nodes had written it and retention had run: one INSERT per table, so the
 * summary trigger sums each load once rather than minute by minute.
 */
async function seedHistory(
  url: string,
  now: number,
  volume: Required<Pick<HistoryQueryOptions, "routes" | "targetsPerRoute" | "nodes" | "hourDays">>,
  log: (message: string) => void,
): Promise<void> {
  const minuteFrom = Math.floor((now - DEFAULT_RETENTION.minuteRetentionMs) / HOUR_MS) * HOUR_MS;
  const nowMinute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const hourFrom = Math.floor((now - volume.hourDays * DAY_MS) / HOUR_MS) * HOUR_MS + HOUR_MS;
  await withServer(url, async (client) => {
    await client.query("SET work_mem = '256MB'");
    await client.query("SELECT setseed(0.42)");
    // Indexes are built once after the load rather than row by row: the same indexes, made faster.
    const { rows: indexes } = await client.query<{ name: string; definition: string }>(
      `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
       WHERE tablename = 'traffic_rollups' AND indexname <> 'traffic_rollups_pkey'`,
    );
    for (const index of indexes) await client.query(`DROP INDEX "${index.name}"`);
    const ts = (ms: number) =>
      `TIMESTAMP '${new Date(ms).toISOString().replace("T", " ").replace("Z", "")}'`;
    log(`seeding hour rollups for ${volume.hourDays - 7} days`);
    await client.query(
      seedSql({
        ...volume,
        startSql: ts(hourFrom),
        bucketSeconds: 3600,
        bucketCount: (minuteFrom - hourFrom) / HOUR_MS,
      }),
    );
    log("seeding minute rollups for 7 days");
    await client.query(
      seedSql({
        ...volume,
        startSql: ts(minuteFrom),
        bucketSeconds: 60,
        bucketCount: (nowMinute - minuteFrom) / MINUTE_MS,
      }),
    );
    log("indexing");
    for (const index of indexes) await client.query(index.definition);
  });
  const db = createDb({ url, maxConnections: 1 });
  try {
    await runRetention(db, DEFAULT_RETENTION, new Date(now));
  } finally {
    await db.$disconnect();
  }
  await withServer(url, (client) =>
    client.query("VACUUM ANALYZE traffic_rollups, traffic_summaries, traffic_cluster_summaries"),
  );
}

/** The views the history page opens, as it asks for them (step chosen by the API). */
function dashboardViews(now: number, routeId: string, poolId: string) {
  return [
    { name: "30 d by route", groupBy: "route", rangeMs: 30 * DAY_MS },
    { name: "30 d by status", groupBy: "status", rangeMs: 30 * DAY_MS },
    { name: "30 d by pool", groupBy: "pool", rangeMs: 30 * DAY_MS },
    { name: "30 d, one pool, by route", groupBy: "route", rangeMs: 30 * DAY_MS, poolId },
    { name: "30 d, one pool, by status", groupBy: "status", rangeMs: 30 * DAY_MS, poolId },
    { name: "30 d, one route, by node", groupBy: "node", rangeMs: 30 * DAY_MS, routeId },
    { name: "7 d by route", groupBy: "route", rangeMs: 7 * DAY_MS },
    { name: "24 h by node", groupBy: "node", rangeMs: DAY_MS },
    { name: "last hour by target", groupBy: "target", rangeMs: HOUR_MS },
    { name: "last hour by route", groupBy: "route", rangeMs: HOUR_MS },
  ].map((view) => ({ ...view, from: new Date(now - view.rangeMs), to: new Date(now) })) as Array<{
    name: string;
    groupBy: TrafficGroupBy;
    rangeMs: number;
    routeId?: string;
    poolId?: string;
    from: Date;
    to: Date;
  }>;
}

/** What `GET /api/v1/traffic` does without a step: hour steps at least where minutes are gone. */
async function apiStep(db: Db, from: Date, to: Date): Promise<number> {
  const oldestMinute = await oldestMinuteRollup(db);
  const onlyHours = oldestMinute !== null && from < oldestMinute;
  return chooseTrafficStep((to.getTime() - from.getTime()) / 1000, onlyHours ? 3600 : 60);
}

async function timeViews(db: Db, now: number, repeats: number): Promise<HistoryViewTiming[]> {
  const [{ routeId, poolId } = { routeId: "", poolId: "" }] = await db.$queryRaw<
    Array<{ routeId: string; poolId: string }>
  >`SELECT md5('route1')::uuid::text AS "routeId", md5('pool1')::uuid::text AS "poolId"`;
  const timings: HistoryViewTiming[] = [];
  for (const view of dashboardViews(now, routeId, poolId)) {
    const run = async () => {
      const started = performance.now();
      const stepSeconds = await apiStep(db, view.from, view.to);
      const cells = await queryTraffic(db, { ...view, stepSeconds });
      return { ms: performance.now() - started, stepSeconds, cells: cells.length };
    };
    await run();
    await run();
    const runs = [];
    for (let index = 0; index < repeats; index++) runs.push(await run());
    const sorted = runs.map((timed) => timed.ms).sort((a, b) => a - b);
    timings.push({
      name: view.name,
      groupBy: view.groupBy,
      rangeSeconds: view.rangeMs / 1000,
      stepSeconds: runs[0]?.stepSeconds ?? 0,
      cells: runs[0]?.cells ?? 0,
      p50Ms: round(percentile(sorted, 0.5)),
      p99Ms: round(percentile(sorted, 0.99)),
      maxMs: round(sorted.at(-1) ?? 0),
    });
  }
  return timings;
}

/** One node's next minutes written as the rollup writer does: one batch per minute, all routes. */
async function timeMinuteBatches(
  db: Db,
  now: number,
  routes: number,
): Promise<HistoryQueryReport["minuteBatch"]> {
  const batchCount = 10;
  const zeros = (length: number) => new Array<number>(length).fill(0);
  const routeIds = await db.$queryRaw<Array<{ id: string; pool: string; target: string }>>`
    SELECT md5('route' || r)::uuid::text AS id, md5('pool' || (r % 10))::uuid::text AS pool,
      md5('target' || r || '-1')::uuid::text AS target
    FROM generate_series(1, ${routes}::int) AS r`;
  const times: number[] = [];
  let rows = 0;
  for (let batch = 0; batch < batchCount; batch++) {
    const bucketStart = new Date(Math.floor(now / MINUTE_MS) * MINUTE_MS + (batch + 1) * MINUTE_MS);
    const latencyBuckets = zeros(LATENCY_BUCKET_COUNT).map((_, index) => (index === 7 ? 40 : 0));
    const rowsOfBatch: RollupRow[] = routeIds.flatMap(({ id, pool, target }) =>
      (["miss", "hit"] as const).map((cacheStatus) => ({
        bucketStart,
        bucketSeconds: 60,
        nodeId: "node-1",
        routeId: id,
        poolId: pool,
        targetId: cacheStatus === "hit" ? "" : target,
        statusClass: "2xx",
        cacheStatus,
        requests: 40,
        errors: 0,
        errorCauses: zeros(ERROR_CAUSE_COUNT),
        bytesIn: 0,
        bytesOut: 480_000,
        latencySumMs: 580,
        latencyBuckets,
        upstreamBuckets: latencyBuckets,
      })),
    );
    const started = performance.now();
    await writeRollups(db, rowsOfBatch);
    times.push(performance.now() - started);
    rows = rowsOfBatch.length;
  }
  const sorted = times.sort((a, b) => a - b);
  return { rows, p50Ms: round(percentile(sorted, 0.5)), maxMs: round(sorted.at(-1) ?? 0) };
}

export async function benchmarkHistoryQuery(
  options: HistoryQueryOptions,
): Promise<HistoryQueryReport> {
  const volume = {
    routes: options.routes ?? 50,
    targetsPerRoute: options.targetsPerRoute ?? 3,
    nodes: options.nodes ?? 2,
    hourDays: options.hourDays ?? 30,
  };
  const repeats = options.repeats ?? 20;
  const log = options.log ?? (() => {});
  const name = `concierge_history_bench_${process.pid}`;
  const url = new URL(options.serverUrl);
  url.pathname = `/${name}`;
  const now = Date.now();

  await withServer(options.serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  try {
    await migrate(url.href);
    const seedStarted = performance.now();
    await seedHistory(url.href, now, volume, log);
    const seedSeconds = round((performance.now() - seedStarted) / 1000);

    const db = createDb({ url: url.href, maxConnections: 2 });
    try {
      const [counts] = await db.$queryRaw<
        Array<{
          minuteRows: number;
          hourRows: number;
          rollupsBytes: number;
          summariesBytes: number;
          clusterSummariesBytes: number;
          postgres: string;
        }>
      >`SELECT (SELECT count(*) FROM traffic_rollups WHERE bucket_seconds = 60)::float8 AS "minuteRows",
          (SELECT count(*) FROM traffic_rollups WHERE bucket_seconds = 3600)::float8 AS "hourRows",
          pg_total_relation_size('traffic_rollups')::float8 AS "rollupsBytes",
          pg_total_relation_size('traffic_summaries')::float8 AS "summariesBytes",
          pg_total_relation_size('traffic_cluster_summaries')::float8 AS "clusterSummariesBytes",
          current_setting('server_version') AS postgres`;
      const summaryRows = await db.$queryRaw<Array<{ seconds: number; rows: number }>>`
        SELECT bucket_seconds AS seconds, count(*)::float8 AS rows FROM traffic_summaries GROUP BY 1 ORDER BY 1`;
      const clusterSummaryRows = await db.$queryRaw<Array<{ seconds: number; rows: number }>>`
        SELECT bucket_seconds AS seconds, count(*)::float8 AS rows FROM traffic_cluster_summaries GROUP BY 1 ORDER BY 1`;
      const byLevel = (levels: Array<{ seconds: number; rows: number }>) =>
        Object.fromEntries(levels.map((level) => [`${level.seconds}s`, level.rows]));
      log("timing the dashboard's views");
      const views = await timeViews(db, now, repeats);
      const minuteBatch = await timeMinuteBatches(db, now, volume.routes);
      return {
        postgres: counts?.postgres ?? "",
        volume: {
          routes: volume.routes,
          targets: volume.routes * volume.targetsPerRoute,
          nodes: volume.nodes,
          minuteDays: DEFAULT_RETENTION.minuteRetentionMs / DAY_MS,
          hourDays: volume.hourDays,
          minuteRows: counts?.minuteRows ?? 0,
          hourRows: counts?.hourRows ?? 0,
          summaryRows: byLevel(summaryRows),
          clusterSummaryRows: byLevel(clusterSummaryRows),
          rollupsTableBytes: counts?.rollupsBytes ?? 0,
          summariesTableBytes: counts?.summariesBytes ?? 0,
          clusterSummariesTableBytes: counts?.clusterSummariesBytes ?? 0,
          seedSeconds,
        },
        repeats,
        views,
        minuteBatch,
      };
    } finally {
      await db.$disconnect();
    }
  } finally {
    if (options.keepDatabase) log(`kept database ${name}`);
    else
      await withServer(options.serverUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      );
  }
}

function printReport(report: HistoryQueryReport): void {
  const { volume } = report;
  const mb = (bytes: number) => `${Math.round(bytes / 1_048_576)} MB`;
  const levels = (rows: Record<string, number>) =>
    Object.entries(rows)
      .map(([level, count]) => `${level}: ${count.toLocaleString("en")}`)
      .join(", ");
  process.stdout.write(
    `PostgreSQL ${report.postgres}: ${volume.routes} routes × ${volume.targets / volume.routes} targets, ${volume.nodes} nodes; ` +
      `${volume.minuteRows.toLocaleString("en")} minute rows (${volume.minuteDays} d) + ${volume.hourRows.toLocaleString("en")} hour rows ` +
      `(to day ${volume.hourDays}), rollups ${mb(volume.rollupsTableBytes)}, summaries per node ${mb(volume.summariesTableBytes)} ` +
      `(${levels(volume.summaryRows)}), cluster summaries ${mb(volume.clusterSummariesTableBytes)} ` +
      `(${levels(volume.clusterSummaryRows)}); seeded in ${volume.seedSeconds} s\n\n`,
  );
  process.stdout.write(
    `| view | step | cells | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|\n`,
  );
  for (const view of report.views) {
    process.stdout.write(
      `| ${view.name} | ${view.stepSeconds} s | ${view.cells} | ${view.p50Ms} | ${view.p99Ms} | ${view.maxMs} |\n`,
    );
  }
  process.stdout.write(
    `\n${report.repeats} timed runs per view. One node's minute batch (${report.minuteBatch.rows} rows) through writeRollups: ` +
      `p50 ${report.minuteBatch.p50Ms} ms, max ${report.minuteBatch.maxMs} ms\n`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      "hour-days": { type: "string", default: "30" },
      repeats: { type: "string", default: "20" },
      json: { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
    },
  });
  const serverUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!serverUrl) {
    process.stderr.write(
      "bench:history needs TEST_DATABASE_URL or DATABASE_URL (a PostgreSQL server it may create a database on)\n",
    );
    process.exit(1);
  }
  const hourDays = Number(values["hour-days"]);
  const repeats = Number(values.repeats);
  if (
    !Number.isInteger(hourDays) ||
    hourDays < 8 ||
    hourDays > 90 ||
    !Number.isInteger(repeats) ||
    repeats < 1 ||
    repeats > 1000
  ) {
    process.stderr.write("--hour-days is a whole number from 8 to 90, --repeats from 1 to 1000\n");
    process.exit(1);
  }
  const report = await benchmarkHistoryQuery({
    serverUrl,
    hourDays,
    repeats,
    keepDatabase: values.keep,
    log: (message) => process.stderr.write(`[history] ${message}\n`),
  });
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else printReport(report);
}
