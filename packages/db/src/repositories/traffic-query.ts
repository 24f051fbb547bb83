import { LATENCY_BUCKET_COUNT } from "@concierge/config/realtime";
import { ERROR_CAUSE_COUNT, type TrafficGroupBy } from "@concierge/config/traffic";

import { Prisma } from "../../generated/prisma/client.ts";
import type { Db } from "../client.ts";

/**
 * Bucket lengths of both summary tables, coarsest first; the migrations' trigger fills exactly
 * these. Each divides the next, and every one is a multiple of the minute rollups.
 */
export const SUMMARY_LEVELS_SECONDS = [86_400, 21_600, 3_600, 900, 300] as const;
const HOUR_SECONDS = 3_600;

/** Cache outcomes whose body the origin did not send. */
const FROM_CACHE = ["hit", "stale", "revalidated"];
const CACHE_HITS = ["hit", "revalidated"];

const GROUP_COLUMNS = {
  route: "route_id",
  pool: "pool_id",
  target: "target_id",
  status: "status_class",
  node: "node_id",
  cache: "cache_status",
} as const satisfies Record<TrafficGroupBy, string>;

/** Summaries keep node, route, pool and status class; target and cache status need the rollups. */
const SUMMARIZED: ReadonlySet<TrafficGroupBy> = new Set(["route", "pool", "status", "node"]);

/**
 * `traffic_summaries` keeps each node apart; `traffic_cluster_summaries` adds the nodes together,
 * so a view that neither groups nor filters by node reads a node count times fewer rows.
 */
type SummaryTable = "traffic_summaries" | "traffic_cluster_summaries";

const summaryTableFor = (filter: TrafficFilter): SummaryTable =>
  filter.groupBy === "node" || filter.nodeId !== undefined
    ? "traffic_summaries"
    : "traffic_cluster_summaries";

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
  /** Failed requests per cause, indexed as ERROR_CAUSES. */
  errorCauses: number[];
  bytesOut: number;
  bytesSaved: number;
  cacheHits: number;
  cacheMisses: number;
  /** Merged latency histogram of every rollup in the cell. */
  latency: number[];
}

/** Part of a range read from one place: a summary level (its bucket length) or the rollups. */
export interface TrafficSegment {
  source: number | "rollups";
  /** Epoch milliseconds, `from` inclusive, `to` exclusive. */
  from: number;
  to: number;
}

export interface SummaryLevel {
  seconds: number;
  /** Epoch milliseconds of the first bucket kept: retention drops fine levels with the minutes. */
  since: number;
}

/**
 * Splits [from, to) so that each part is read from the coarsest table that answers it exactly:
 * whole buckets of the coarsest summary level that divides the step, then, at either edge and
 * before a level's first kept bucket, whole buckets of the next finer level, down to the rollups
 * themselves for what no level covers whole. A bucket belongs to the slot its start falls in, in
 * every table, so the sums are the same as summing the rollups alone.
 */
export function planTrafficSegments(
  from: number,
  to: number,
  stepSeconds: number,
  levels: readonly SummaryLevel[],
): TrafficSegment[] {
  const split = (start: number, end: number, finer: readonly SummaryLevel[]): TrafficSegment[] => {
    if (start >= end) return [];
    const [level, ...rest] = finer;
    if (level === undefined) return [{ source: "rollups", from: start, to: end }];
    if (level.since > start) {
      const kept = Math.min(end, level.since);
      return [...split(start, kept, rest), ...split(kept, end, finer)];
    }
    const ms = level.seconds * 1000;
    const wholeFrom = Math.ceil(start / ms) * ms;
    const wholeTo = Math.floor(end / ms) * ms;
    if (wholeFrom >= wholeTo) return split(start, end, rest);
    return [
      ...split(start, wholeFrom, rest),
      { source: level.seconds, from: wholeFrom, to: wholeTo },
      ...split(wholeTo, end, rest),
    ];
  };
  return split(
    from,
    to,
    levels.filter((level) => stepSeconds % level.seconds === 0),
  );
}

/**
 * The summary levels that can serve a step, each with its first kept bucket. Levels of an hour
 * and more are kept as long as the hour rollups; the finer ones are looked up (two index probes).
 */
async function summaryLevels(
  db: Db,
  table: SummaryTable,
  stepSeconds: number,
): Promise<SummaryLevel[]> {
  const usable = SUMMARY_LEVELS_SECONDS.filter((seconds) => stepSeconds % seconds === 0);
  const fine = usable.filter((seconds) => seconds < HOUR_SECONDS);
  const firstKept =
    fine.length === 0
      ? []
      : await db.$queryRaw<Array<{ seconds: number; since: Date | null }>>`
          SELECT level AS seconds, (SELECT bucket_start FROM ${Prisma.raw(table)}
            WHERE bucket_seconds = level ORDER BY bucket_start LIMIT 1) AS since
          FROM unnest(${fine}::int[]) AS level`;
  return usable.map((seconds) => {
    if (seconds >= HOUR_SECONDS) return { seconds, since: Number.NEGATIVE_INFINITY };
    const since = firstKept.find((level) => level.seconds === seconds)?.since;
    return { seconds, since: since?.getTime() ?? Number.POSITIVE_INFINITY };
  });
}

/**
 * Sums are taken in float8: about 40% cheaper at volume than bigint's exact accumulators, and
 * still exact, as every count and byte total stays far below 2^53, where JSON's numbers end anyway.
 */
const positionalSums = (column: string, count: number) =>
  Prisma.raw(
    `ARRAY[${Array.from({ length: count }, (_, index) => `coalesce(sum(${column}[${index + 1}]::float8), 0)`).join(", ")}]`,
  );
const LATENCY_SUMS = positionalSums("latency_buckets", LATENCY_BUCKET_COUNT);
const CAUSE_SUMS = positionalSums("error_causes", ERROR_CAUSE_COUNT);

const SUMMARY_COUNTERS = Prisma.raw(
  "requests, errors, error_causes, bytes_out, bytes_saved, cache_hits, cache_misses, latency_buckets",
);
const ROLLUP_COUNTERS = Prisma.sql`requests, errors, error_causes, bytes_out,
  CASE WHEN cache_status = ANY(${FROM_CACHE}::text[]) THEN bytes_out ELSE 0 END,
  CASE WHEN cache_status = ANY(${CACHE_HITS}::text[]) THEN requests ELSE 0 END,
  CASE WHEN cache_status = 'miss' THEN requests ELSE 0 END,
  latency_buckets`;

function readSegment(
  segment: TrafficSegment,
  table: SummaryTable,
  key: Prisma.Sql,
  filters: Prisma.Sql[],
): Prisma.Sql {
  const range = Prisma.sql`bucket_start >= ${new Date(segment.from)} AND bucket_start < ${new Date(segment.to)}`;
  if (segment.source === "rollups") {
    return Prisma.sql`SELECT ${key} AS key, bucket_start, ${ROLLUP_COUNTERS}
      FROM traffic_rollups WHERE ${Prisma.join([range, ...filters], " AND ")}`;
  }
  return Prisma.sql`SELECT ${key} AS key, bucket_start, ${SUMMARY_COUNTERS}
    FROM ${Prisma.raw(table)}
    WHERE ${Prisma.join([Prisma.sql`bucket_seconds = ${segment.source}`, range, ...filters], " AND ")}`;
}

/**
 * Traffic summed per group key and step, latency histograms merged bucket by bucket. Long ranges
 * read the summaries (a few rows per step and group; the cluster-wide ones unless the view groups
 * or filters by node), the edges of a range and the groupings the summaries do not keep read the
 * rollups.
 */
export async function queryTraffic(db: Db, filter: TrafficFilter): Promise<TrafficCell[]> {
  const key = Prisma.raw(GROUP_COLUMNS[filter.groupBy]);
  const step = filter.stepSeconds;
  const filters: Prisma.Sql[] = [];
  if (filter.routeId !== undefined) filters.push(Prisma.sql`route_id = ${filter.routeId}`);
  if (filter.poolId !== undefined) filters.push(Prisma.sql`pool_id = ${filter.poolId}`);
  if (filter.nodeId !== undefined) filters.push(Prisma.sql`node_id = ${filter.nodeId}`);

  const table = summaryTableFor(filter);
  const levels = SUMMARIZED.has(filter.groupBy) ? await summaryLevels(db, table, step) : [];
  const segments = planTrafficSegments(filter.from.getTime(), filter.to.getTime(), step, levels);
  const rows = Prisma.join(
    segments.map((segment) => readSegment(segment, table, key, filters)),
    " UNION ALL ",
  );
  const slot = Prisma.sql`date_bin(${`${step} seconds`}::interval, bucket_start, TIMESTAMP '1970-01-01')`;

  // A view reads a few tens of thousands of rows at most: parallel workers cost more to start
  // than they save (30-day view by route, 50 routes: 140 ms alone, 160–200 ms with two workers),
  // and so does JIT compilation, which the node-keyed summaries' row estimates trigger (~20 ms).
  // The cells travel as one JSON array, parsed at once rather than value by value through the
  // driver and Prisma: ~5 ms less for the 6,000 cells of the 30-day view by route.
  const [, [answer]] = await db.$transaction([
    db.$queryRaw`SELECT set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true)`,
    db.$queryRaw<Array<{ cells: TrafficCell[] }>>`
    SELECT coalesce(json_agg(cells), '[]') AS cells FROM (
      SELECT key, extract(epoch FROM ${slot})::float8 AS slot,
        sum(requests::float8) AS requests, sum(errors::float8) AS errors, ${CAUSE_SUMS} AS "errorCauses",
        sum(bytes_out::float8) AS "bytesOut", sum(bytes_saved::float8) AS "bytesSaved",
        sum(cache_hits::float8) AS "cacheHits", sum(cache_misses::float8) AS "cacheMisses",
        ${LATENCY_SUMS} AS latency
      FROM (${rows}) AS rows (key, bucket_start, requests, errors, error_causes, bytes_out, bytes_saved,
        cache_hits, cache_misses, latency_buckets)
      GROUP BY 1, 2
    ) AS cells`,
  ]);
  return answer?.cells ?? [];
}
