import { LATENCY_BUCKET_COUNT } from "@concierge/config/realtime";
import type { RollupRow, TrafficGroupBy } from "@concierge/config/traffic";

import { Prisma } from "../../generated/prisma/client.ts";
import type { Db, Tx } from "../client.ts";

export type { RollupRow };

/** Cache outcomes whose body the origin did not send. */
const FROM_CACHE = ["hit", "stale", "revalidated"];
const CACHE_HITS = ["hit", "revalidated"];
/** Rows per INSERT: 16 parameters each, well under PostgreSQL's 65,535. */
const ROWS_PER_STATEMENT = 500;

const bigintArray = (values: readonly number[]) =>
  `{${values.map((value) => Math.round(value)).join(",")}}`;

/**
 * Writes rows as the writer's complete totals for their identity: an existing row is replaced,
 * never added to. A batch retried after a lost acknowledgement therefore writes the same values
 * again, and nothing is counted twice. All rows go in one transaction.
 */
export async function writeRollups(db: Db, rows: readonly RollupRow[]): Promise<void> {
  if (rows.length === 0) return;
  const statements = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const values = rows.slice(start, start + ROWS_PER_STATEMENT).map(
      (
        row,
      ) => Prisma.sql`(${row.bucketStart}, ${row.bucketSeconds}, ${row.nodeId}, ${row.routeId}, ${row.poolId},
        ${row.targetId}, ${row.statusClass}, ${row.cacheStatus}, ${Math.round(row.requests)}::bigint,
        ${Math.round(row.errors)}::bigint, ${bigintArray(row.errorCauses)}::bigint[], ${Math.round(row.bytesIn)}::bigint, ${Math.round(row.bytesOut)}::bigint,
        ${row.latencySumMs}::float8, ${bigintArray(row.latencyBuckets)}::bigint[], ${bigintArray(row.upstreamBuckets)}::bigint[])`,
    );
    statements.push(db.$executeRaw`
      INSERT INTO traffic_rollups (bucket_start, bucket_seconds, node_id, route_id, pool_id, target_id, status_class,
        cache_status, requests, errors, error_causes, bytes_in, bytes_out, latency_sum_ms, latency_buckets, upstream_buckets)
      VALUES ${Prisma.join(values)}
      ON CONFLICT (bucket_start, bucket_seconds, node_id, route_id, target_id, status_class, cache_status) DO UPDATE SET
        pool_id = excluded.pool_id, requests = excluded.requests, errors = excluded.errors, error_causes = excluded.error_causes,
        bytes_in = excluded.bytes_in, bytes_out = excluded.bytes_out, latency_sum_ms = excluded.latency_sum_ms,
        latency_buckets = excluded.latency_buckets, upstream_buckets = excluded.upstream_buckets`);
  }
  await db.$transaction(statements);
}

/** What a node already wrote for one bucket: the base a restarted writer adds its own counts to. */
export async function readNodeBucket(
  db: Db | Tx,
  nodeId: string,
  bucketStart: Date,
  bucketSeconds: number,
): Promise<RollupRow[]> {
  const rows = await db.trafficRollup.findMany({ where: { nodeId, bucketStart, bucketSeconds } });
  return rows.map((row) => ({
    bucketStart: row.bucketStart,
    bucketSeconds: row.bucketSeconds,
    nodeId: row.nodeId,
    routeId: row.routeId,
    poolId: row.poolId,
    targetId: row.targetId,
    statusClass: row.statusClass,
    cacheStatus: row.cacheStatus,
    requests: Number(row.requests),
    errors: Number(row.errors),
    // Rows written before causes were counted have none.
    errorCauses: (row.errorCauses as bigint[] | null)?.map(Number) ?? [],
    bytesIn: Number(row.bytesIn),
    bytesOut: Number(row.bytesOut),
    latencySumMs: row.latencySumMs,
    latencyBuckets: row.latencyBuckets.map(Number),
    upstreamBuckets: row.upstreamBuckets.map(Number),
  }));
}

const GROUP_COLUMNS = {
  route: "route_id",
  pool: "pool_id",
  target: "target_id",
  status: "status_class",
  node: "node_id",
  cache: "cache_status",
} as const satisfies Record<TrafficGroupBy, string>;

export interface TrafficFilter {
  from: Date;
  to: Date;
  stepSeconds: number;
  groupBy: TrafficGroupBy;
  routeId?: string | undefined;
  poolId?: string | undefined;
  nodeId?: string | undefined;
}

export interface TrafficCell {
  key: string;
  /** Epoch seconds of the step's start, a multiple of the step. */
  slot: number;
  requests: number;
  errors: number;
  bytesOut: number;
  bytesSaved: number;
  cacheHits: number;
  cacheMisses: number;
  /** Merged latency histogram of every rollup in the cell. */
  latency: number[];
}

/** Rollups summed per group key and step, latency histograms merged bucket by bucket. */
export async function queryTraffic(db: Db, filter: TrafficFilter): Promise<TrafficCell[]> {
  const key = Prisma.raw(GROUP_COLUMNS[filter.groupBy]);
  const step = filter.stepSeconds;
  const conditions = [Prisma.sql`bucket_start >= ${filter.from} AND bucket_start < ${filter.to}`];
  if (filter.routeId !== undefined) conditions.push(Prisma.sql`route_id = ${filter.routeId}`);
  if (filter.poolId !== undefined) conditions.push(Prisma.sql`pool_id = ${filter.poolId}`);
  if (filter.nodeId !== undefined) conditions.push(Prisma.sql`node_id = ${filter.nodeId}`);
  const where = Prisma.join(conditions, " AND ");
  const slot = Prisma.sql`(floor(extract(epoch from bucket_start) / ${step}::int) * ${step}::int)::float8`;

  const [sums, buckets] = await Promise.all([
    db.$queryRaw<Array<Omit<TrafficCell, "latency">>>`
      SELECT ${key} AS key, ${slot} AS slot,
        sum(requests)::float8 AS requests, sum(errors)::float8 AS errors, sum(bytes_out)::float8 AS "bytesOut",
        sum(CASE WHEN cache_status = ANY(${FROM_CACHE}::text[]) THEN bytes_out ELSE 0 END)::float8 AS "bytesSaved",
        sum(CASE WHEN cache_status = ANY(${CACHE_HITS}::text[]) THEN requests ELSE 0 END)::float8 AS "cacheHits",
        sum(CASE WHEN cache_status = 'miss' THEN requests ELSE 0 END)::float8 AS "cacheMisses"
      FROM traffic_rollups WHERE ${where}
      GROUP BY 1, 2`,
    db.$queryRaw<Array<{ key: string; slot: number; bucket: number; count: number }>>`
      SELECT ${key} AS key, ${slot} AS slot, (u.i - 1)::int AS bucket, sum(u.v)::float8 AS count
      FROM traffic_rollups CROSS JOIN LATERAL unnest(latency_buckets) WITH ORDINALITY AS u(v, i)
      WHERE ${where} AND u.v > 0
      GROUP BY 1, 2, 3`,
  ]);

  const cells = new Map<string, TrafficCell>();
  for (const sum of sums) {
    cells.set(`${sum.key}\n${sum.slot}`, {
      ...sum,
      latency: new Array<number>(LATENCY_BUCKET_COUNT).fill(0),
    });
  }
  for (const bucket of buckets) {
    const cell = cells.get(`${bucket.key}\n${bucket.slot}`);
    if (cell && bucket.bucket < LATENCY_BUCKET_COUNT) cell.latency[bucket.bucket] = bucket.count;
  }
  return [...cells.values()];
}

/** Start of the oldest minute bucket still stored (older ranges have hour buckets only); null when none. */
export async function oldestMinuteRollup(db: Db): Promise<Date | null> {
  const row = await db.trafficRollup.findFirst({
    where: { bucketSeconds: 60 },
    orderBy: { bucketStart: "asc" },
    select: { bucketStart: true },
  });
  return row?.bucketStart ?? null;
}
