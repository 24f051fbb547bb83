import { LATENCY_BUCKET_COUNT } from "@concierge/config/realtime";

import type { Db } from "./client.ts";

export interface RetentionPolicy {
  /** Minute buckets older than this are rolled into hour buckets. Default 7 days. */
  minuteRetentionMs: number;
  /** Hour buckets older than this are deleted. Default 90 days. */
  hourRetentionMs: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  minuteRetentionMs: 7 * 86_400_000,
  hourRetentionMs: 90 * 86_400_000,
};

export type RetentionResult =
  | { ran: false }
  | {
      ran: true;
      /** Hour rows created or added to from minute rows. */ hourRowsWritten: number;
      hourRowsDeleted: number;
    };

const HOUR_MS = 3_600_000;
const ZERO_BUCKETS = `{${new Array<number>(LATENCY_BUCKET_COUNT).fill(0).join(",")}}`;

/**
 * Rolls minute buckets older than the policy into hour buckets, adding every counter and every
 * latency histogram bucket, and deletes hour buckets past their retention. Only whole hours move,
 * so an hour never has both kinds of rows. Several nodes may call this: a transaction-scoped
 * advisory lock lets one run and the others return `{ ran: false }` at once.
 */
export async function runRetention(
  db: Db,
  policy: RetentionPolicy = DEFAULT_RETENTION,
  now: Date = new Date(),
): Promise<RetentionResult> {
  const minuteCutoff = new Date(
    Math.floor((now.getTime() - policy.minuteRetentionMs) / HOUR_MS) * HOUR_MS,
  );
  const hourCutoff = new Date(now.getTime() - policy.hourRetentionMs);

  return db.$transaction(async (tx) => {
    const [lock] = await tx.$queryRaw<Array<{ locked: boolean }>>`
      SELECT pg_try_advisory_xact_lock(hashtext('concierge:traffic-retention')) AS locked`;
    if (!lock?.locked) return { ran: false };

    const identity = "node_id, route_id, target_id, status_class, cache_status";
    const hourRowsWritten = await tx.$executeRawUnsafe(
      `WITH moved AS (
         DELETE FROM traffic_rollups WHERE bucket_seconds < 3600 AND bucket_start < $1 RETURNING *
       ), hours AS (
         SELECT date_trunc('hour', bucket_start) AS hour, ${identity}, max(pool_id) AS pool_id,
           sum(requests) AS requests, sum(errors) AS errors, sum(bytes_in) AS bytes_in, sum(bytes_out) AS bytes_out,
           sum(latency_sum_ms) AS latency_sum_ms
         FROM moved GROUP BY 1, ${identity}
       ), latency AS (
         SELECT hour, ${identity}, array_agg(total ORDER BY i) AS buckets FROM (
           SELECT date_trunc('hour', bucket_start) AS hour, ${identity}, u.i, sum(u.v)::bigint AS total
           FROM moved CROSS JOIN LATERAL unnest(latency_buckets) WITH ORDINALITY AS u(v, i)
           GROUP BY 1, ${identity}, u.i) AS per_bucket
         GROUP BY hour, ${identity}
       ), upstream AS (
         SELECT hour, ${identity}, array_agg(total ORDER BY i) AS buckets FROM (
           SELECT date_trunc('hour', bucket_start) AS hour, ${identity}, u.i, sum(u.v)::bigint AS total
           FROM moved CROSS JOIN LATERAL unnest(upstream_buckets) WITH ORDINALITY AS u(v, i)
           GROUP BY 1, ${identity}, u.i) AS per_bucket
         GROUP BY hour, ${identity}
       )
       INSERT INTO traffic_rollups (bucket_start, bucket_seconds, ${identity}, pool_id, requests, errors, bytes_in,
         bytes_out, latency_sum_ms, latency_buckets, upstream_buckets)
       SELECT hours.hour, 3600, ${identity}, hours.pool_id, hours.requests, hours.errors, hours.bytes_in,
         hours.bytes_out, hours.latency_sum_ms, coalesce(latency.buckets, $2::bigint[]), coalesce(upstream.buckets, $2::bigint[])
       FROM hours
         LEFT JOIN latency USING (hour, ${identity})
         LEFT JOIN upstream USING (hour, ${identity})
       ON CONFLICT (bucket_start, bucket_seconds, ${identity}) DO UPDATE SET
         requests = traffic_rollups.requests + excluded.requests,
         errors = traffic_rollups.errors + excluded.errors,
         bytes_in = traffic_rollups.bytes_in + excluded.bytes_in,
         bytes_out = traffic_rollups.bytes_out + excluded.bytes_out,
         latency_sum_ms = traffic_rollups.latency_sum_ms + excluded.latency_sum_ms,
         latency_buckets = ARRAY(SELECT a + b FROM unnest(traffic_rollups.latency_buckets, excluded.latency_buckets) AS t(a, b)),
         upstream_buckets = ARRAY(SELECT a + b FROM unnest(traffic_rollups.upstream_buckets, excluded.upstream_buckets) AS t(a, b))`,
      minuteCutoff,
      ZERO_BUCKETS,
    );
    const hourRowsDeleted = await tx.$executeRaw`
      DELETE FROM traffic_rollups WHERE bucket_seconds = 3600 AND bucket_start < ${hourCutoff}`;
    return { ran: true, hourRowsWritten, hourRowsDeleted };
  });
}
