import type { RollupRow } from "@concierge/config/traffic";

import type { TrafficRollup } from "../../generated/prisma/client.ts";
import type { Db, Tx } from "../client.ts";

export type { RollupRow };

const bigintArray = (values: readonly number[]) =>
  `{${values.map((value) => Math.round(value)).join(",")}}`;

const identityOf = (row: RollupRow) =>
  `${row.bucketStart.getTime()}|${row.bucketSeconds}|${row.nodeId}|${row.routeId}|${row.targetId}|${row.statusClass}|${row.cacheStatus}`;

/**
 * Writes rows as the writer's complete totals for their identity: an existing row is replaced,
 * never added to. A batch retried after a lost acknowledgement therefore writes the same values
 * again, and nothing is counted twice. Of rows sharing an identity, the last one counts.
 *
 * The whole batch is one statement, its columns passed as arrays (16 parameters whatever its
 * size): the summaries' trigger then runs once and takes its row locks in key order, so two
 * nodes writing the same minutes wait for each other and never deadlock.
 */
export async function writeRollups(db: Db, rows: readonly RollupRow[]): Promise<void> {
  const latest = [...new Map(rows.map((row) => [identityOf(row), row])).values()];
  if (latest.length === 0) return;
  const column = <Value>(pick: (row: RollupRow) => Value): Value[] => latest.map(pick);
  await db.$executeRaw`
    INSERT INTO traffic_rollups (bucket_start, bucket_seconds, node_id, route_id, pool_id, target_id, status_class,
      cache_status, requests, errors, error_causes, bytes_in, bytes_out, latency_sum_ms, latency_buckets, upstream_buckets)
    SELECT bucket_start::timestamp(3), bucket_seconds, node_id, route_id, pool_id, target_id, status_class,
      cache_status, requests, errors, error_causes::bigint[], bytes_in, bytes_out, latency_sum_ms,
      latency_buckets::bigint[], upstream_buckets::bigint[]
    FROM unnest(
      ${column((row) => row.bucketStart.toISOString())}::text[], ${column((row) => row.bucketSeconds)}::int[],
      ${column((row) => row.nodeId)}::text[], ${column((row) => row.routeId)}::text[], ${column((row) => row.poolId)}::text[],
      ${column((row) => row.targetId)}::text[], ${column((row) => row.statusClass)}::text[], ${column((row) => row.cacheStatus)}::text[],
      ${column((row) => Math.round(row.requests))}::bigint[], ${column((row) => Math.round(row.errors))}::bigint[],
      ${column((row) => bigintArray(row.errorCauses))}::text[], ${column((row) => Math.round(row.bytesIn))}::bigint[],
      ${column((row) => Math.round(row.bytesOut))}::bigint[], ${column((row) => row.latencySumMs)}::float8[],
      ${column((row) => bigintArray(row.latencyBuckets))}::text[], ${column((row) => bigintArray(row.upstreamBuckets))}::text[]
    ) AS batch (bucket_start, bucket_seconds, node_id, route_id, pool_id, target_id, status_class, cache_status,
      requests, errors, error_causes, bytes_in, bytes_out, latency_sum_ms, latency_buckets, upstream_buckets)
    ON CONFLICT (bucket_start, bucket_seconds, node_id, route_id, target_id, status_class, cache_status) DO UPDATE SET
      pool_id = excluded.pool_id, requests = excluded.requests, errors = excluded.errors, error_causes = excluded.error_causes,
      bytes_in = excluded.bytes_in, bytes_out = excluded.bytes_out, latency_sum_ms = excluded.latency_sum_ms,
      latency_buckets = excluded.latency_buckets, upstream_buckets = excluded.upstream_buckets`;
}

/** What a node already wrote for one bucket: the base a restarted writer adds its own counts to. */
export async function readNodeBucket(
  db: Db | Tx,
  nodeId: string,
  bucketStart: Date,
  bucketSeconds: number,
): Promise<RollupRow[]> {
  const rows = await db.trafficRollup.findMany({ where: { nodeId, bucketStart, bucketSeconds } });
  return rows.map(toRollupRow);
}

/** A stored rollup with its counters as numbers. */
export function toRollupRow(row: TrafficRollup): RollupRow {
  return {
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
  };
}

export { queryTraffic, type TrafficCell, type TrafficFilter } from "./traffic-query.ts";

/**
 * Start of the oldest minute bucket still stored (older ranges have hour buckets only); null when
 * none. `min()` alone lets PostgreSQL read it from the (bucket_seconds, bucket_start) index; a
 * row-returning query prefers walking bucket_start past every hour row first.
 */
export async function oldestMinuteRollup(db: Db): Promise<Date | null> {
  const [row] = await db.$queryRaw<Array<{ oldest: Date | null }>>`
    SELECT min(bucket_start) AS oldest FROM traffic_rollups WHERE bucket_seconds = 60`;
  return row?.oldest ?? null;
}
