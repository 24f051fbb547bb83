import { Prisma } from "../generated/prisma/client.ts";
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
/**
 * An hour of minute rows moved, with the summaries following by trigger, takes seconds on a busy
 * server (the first run after an upgrade prunes much more); nobody waits on it, so it may take
 * minutes rather than fail at Prisma's 5 s default and leave the work to the next hour.
 */
const RETENTION_TRANSACTION = { maxWait: 10_000, timeout: 600_000 };
/** Summary levels finer than an hour only serve ranges the minute buckets still cover. */
const HOUR_SECONDS = 3_600;
/** Per node and with the nodes added together; the triggers keep both, retention prunes both. */
const SUMMARY_TABLES = [Prisma.raw("traffic_summaries"), Prisma.raw("traffic_cluster_summaries")];

/**
 * Rolls minute buckets older than the policy into hour buckets, adding every counter and every
 * count array (latency, upstream latency, error causes) position by position, and deletes hour
 * buckets past their retention. Only whole hours move, so an hour never has both kinds of rows.
 * The summaries follow the rollups by trigger (the move leaves their hours unchanged, expired hours
 * are taken out of them); what is left here is dropping summary buckets nothing reads any more,
 * from both summary tables.
 * Several nodes may call this: a transaction-scoped advisory lock lets one run and the others
 * return `{ ran: false }` at once.
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

    const identity = Prisma.raw("node_id, route_id, target_id, status_class, cache_status");
    const hourRowsWritten = await tx.$executeRaw`
      WITH moved AS (
        DELETE FROM traffic_rollups WHERE bucket_seconds < 3600 AND bucket_start < ${minuteCutoff} RETURNING *
      )
      INSERT INTO traffic_rollups (bucket_start, bucket_seconds, ${identity}, pool_id, requests, errors, error_causes,
        bytes_in, bytes_out, latency_sum_ms, latency_buckets, upstream_buckets)
      SELECT date_trunc('hour', bucket_start), 3600, ${identity}, max(pool_id), sum(requests), sum(errors),
        traffic_sum_counts(error_causes), sum(bytes_in), sum(bytes_out), sum(latency_sum_ms),
        traffic_sum_counts(latency_buckets), traffic_sum_counts(upstream_buckets)
      FROM moved GROUP BY date_trunc('hour', bucket_start), ${identity}
      ON CONFLICT (bucket_start, bucket_seconds, ${identity}) DO UPDATE SET
        requests = traffic_rollups.requests + excluded.requests,
        errors = traffic_rollups.errors + excluded.errors,
        error_causes = traffic_add_counts(traffic_rollups.error_causes, excluded.error_causes),
        bytes_in = traffic_rollups.bytes_in + excluded.bytes_in,
        bytes_out = traffic_rollups.bytes_out + excluded.bytes_out,
        latency_sum_ms = traffic_rollups.latency_sum_ms + excluded.latency_sum_ms,
        latency_buckets = traffic_add_counts(traffic_rollups.latency_buckets, excluded.latency_buckets),
        upstream_buckets = traffic_add_counts(traffic_rollups.upstream_buckets, excluded.upstream_buckets)`;
    const hourRowsDeleted = await tx.$executeRaw`
      DELETE FROM traffic_rollups WHERE bucket_seconds = 3600 AND bucket_start < ${hourCutoff}`;
    for (const summaries of SUMMARY_TABLES) {
      await tx.$executeRaw`
        DELETE FROM ${summaries}
        WHERE (bucket_seconds < ${HOUR_SECONDS} AND bucket_start < ${minuteCutoff})
          OR bucket_start + make_interval(secs => bucket_seconds) <= ${hourCutoff}`;
    }
    return { ran: true, hourRowsWritten, hourRowsDeleted };
  }, RETENTION_TRANSACTION);
}
