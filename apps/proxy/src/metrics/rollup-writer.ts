import { LATENCY_BUCKET_COUNT } from "@concierge/config/realtime";
import { ERROR_CAUSE_COUNT, type RollupRow } from "@concierge/config/traffic";

import type { Logger } from "../logger.ts";
import { CELL, cacheOutcomeOfCell, statusClassOfCell } from "./cells.ts";
import type { TrafficInterval } from "./interval-reader.ts";

interface Bucket {
  startMs: number;
  rows: Map<string, RollupRow>;
  /**
   * Rows already stored for it are added first: in the bucket this process started in, an earlier
   * process of the node wrote them; in a bucket this writer already handed to the store, a worker's
   * interval arrived after the write.
   */
  needsBase: boolean;
}

/** Where rollups go: `traffic_rollups`, through the node's database client (given by the composition root). */
export interface RollupStore {
  /** Replaces each row's stored totals with the row's, all in one transaction. */
  write(rows: readonly RollupRow[]): Promise<void>;
  /** What the node already stored for one bucket. */
  readBucket(nodeId: string, bucketStart: Date, bucketSeconds: number): Promise<RollupRow[]>;
}

export interface RollupWriter {
  add(interval: TrafficInterval): void;
  /** Buckets held in memory, not yet written (the open one included). */
  readonly buffered: number;
  /** Writes every buffered bucket, the open one included, and stops the timer. */
  stop(): Promise<void>;
}

/**
 * Sums the node's traffic into buckets of `bucketMs` and writes each bucket once it has closed,
 * in one transaction. Rows carry the bucket's complete totals and replace what is stored, so a
 * batch retried after a lost acknowledgement never counts twice. While the database is away,
 * closed buckets wait in memory, at most `maxBuckets` of them (with one-minute buckets and the
 * default 180: three hours); past that the oldest bucket is dropped first, and logged.
 */
export function startRollupWriter(options: {
  store: RollupStore;
  nodeId: string;
  bucketMs: number;
  maxBuckets: number;
  log: Logger;
}): RollupWriter {
  const log = options.log.child({ component: "rollup-writer" });
  const { bucketMs, nodeId } = options;
  const bucketSeconds = Math.round(bucketMs / 1000);
  const firstBucketMs = Math.floor(Date.now() / bucketMs) * bucketMs;
  const buckets = new Map<number, Bucket>();
  let writing: Promise<void> = Promise.resolve();
  let failing = false;
  /** The newest bucket start handed to the store. */
  let handedOverMs = -Infinity;

  function bucketFor(atMs: number): Bucket {
    const startMs = Math.floor(atMs / bucketMs) * bucketMs;
    let bucket = buckets.get(startMs);
    if (!bucket) {
      bucket = {
        startMs,
        rows: new Map(),
        needsBase: startMs === firstBucketMs || startMs <= handedOverMs,
      };
      buckets.set(startMs, bucket);
      dropOverflow();
    }
    return bucket;
  }

  function dropOverflow(): void {
    while (buckets.size > options.maxBuckets) {
      const oldest = Math.min(...buckets.keys());
      const dropped = buckets.get(oldest);
      buckets.delete(oldest);
      const requests = [...(dropped?.rows.values() ?? [])].reduce(
        (sum, row) => sum + row.requests,
        0,
      );
      log.error(
        { bucketStart: new Date(oldest).toISOString(), requests },
        "rollup buffer full; oldest bucket dropped",
      );
    }
  }

  function rowFor(
    bucket: Bucket,
    identity: Omit<
      RollupRow,
      | "requests"
      | "errors"
      | "errorCauses"
      | "bytesIn"
      | "bytesOut"
      | "latencySumMs"
      | "latencyBuckets"
      | "upstreamBuckets"
    >,
  ): RollupRow {
    const key = `${identity.routeId}\n${identity.targetId}\n${identity.statusClass}\n${identity.cacheStatus}`;
    let row = bucket.rows.get(key);
    if (!row) {
      row = {
        ...identity,
        requests: 0,
        errors: 0,
        errorCauses: new Array<number>(ERROR_CAUSE_COUNT).fill(0),
        bytesIn: 0,
        bytesOut: 0,
        latencySumMs: 0,
        latencyBuckets: new Array<number>(LATENCY_BUCKET_COUNT).fill(0),
        upstreamBuckets: new Array<number>(LATENCY_BUCKET_COUNT).fill(0),
      };
      bucket.rows.set(key, row);
    }
    return row;
  }

  function addRow(bucket: Bucket, from: RollupRow): void {
    const row = rowFor(bucket, from);
    row.requests += from.requests;
    row.errors += from.errors;
    row.bytesIn += from.bytesIn;
    row.bytesOut += from.bytesOut;
    row.latencySumMs += from.latencySumMs;
    addInto(row.errorCauses, from.errorCauses);
    addInto(row.latencyBuckets, from.latencyBuckets);
    addInto(row.upstreamBuckets, from.upstreamBuckets);
  }

  async function write(bucket: Bucket): Promise<void> {
    if (bucket.needsBase) {
      const base = await options.store.readBucket(nodeId, new Date(bucket.startMs), bucketSeconds);
      for (const row of base) addRow(bucket, row);
      bucket.needsBase = false;
    }
    await options.store.write([...bucket.rows.values()]);
  }

  /** Puts back a bucket whose write failed, with the rows that arrived for it meanwhile. */
  function keepUnwritten(bucket: Bucket): void {
    for (const row of buckets.get(bucket.startMs)?.rows.values() ?? []) addRow(bucket, row);
    buckets.set(bucket.startMs, bucket);
  }

  /** Writes closed buckets oldest first; stops at the first failure and keeps the rest for later. */
  async function flush(includeOpen: boolean): Promise<void> {
    const openStart = Math.floor(Date.now() / bucketMs) * bucketMs;
    const due = [...buckets.values()]
      .filter((bucket) => includeOpen || bucket.startMs < openStart)
      .sort((a, b) => a.startMs - b.startMs);
    for (const bucket of due) {
      // Rows arriving for it from now on go to a new bucket, which adds them to what this write stores.
      buckets.delete(bucket.startMs);
      handedOverMs = Math.max(handedOverMs, bucket.startMs);
      try {
        if (bucket.rows.size > 0 || bucket.needsBase) await write(bucket);
        if (failing) log.info({ buffered: buckets.size }, "rollups written again");
        failing = false;
      } catch (error) {
        keepUnwritten(bucket);
        if (!failing)
          log.warn(
            { err: error, buffered: buckets.size },
            "rollup write failed; buffering until the database returns",
          );
        failing = true;
        return;
      }
    }
  }

  const schedule = () => {
    writing = writing.then(() => flush(false));
  };
  // Shortly after each boundary, so the last deltas of a bucket have arrived; retried on the same beat.
  const timer = setInterval(schedule, Math.min(bucketMs, 5_000));
  timer.unref();

  return {
    add(interval) {
      if (interval.cells.length === 0) return;
      const bucket = bucketFor(interval.at);
      for (const cell of interval.cells) {
        const statusClass = statusClassOfCell(cell.cell);
        const value = (field: number) => cell.values[field] ?? 0;
        const requests = value(CELL.requests);
        addRow(bucket, {
          bucketStart: new Date(bucket.startMs),
          bucketSeconds,
          nodeId,
          routeId: cell.routeId,
          poolId: cell.poolId,
          targetId: cell.targetId,
          statusClass,
          cacheStatus: cacheOutcomeOfCell(cell.cell),
          requests,
          errors: statusClass === "5xx" ? requests : 0,
          errorCauses: cell.values.slice(CELL.errorCauses, CELL.errorCauses + ERROR_CAUSE_COUNT),
          bytesIn: value(CELL.bytesIn),
          bytesOut: value(CELL.bytesOut),
          latencySumMs: value(CELL.latencySumMs),
          latencyBuckets: cell.values.slice(CELL.latency, CELL.latency + LATENCY_BUCKET_COUNT),
          upstreamBuckets: cell.values.slice(CELL.upstream, CELL.upstream + LATENCY_BUCKET_COUNT),
        });
      }
    },
    get buffered() {
      return buckets.size;
    },
    async stop() {
      clearInterval(timer);
      writing = writing.then(() => flush(true));
      await writing;
    },
  };
}

/** Element-wise `into[i] += from[i]`, for histograms and cause counts. */
function addInto(into: number[], from: readonly number[]): void {
  from.forEach((count, index) => (into[index] = (into[index] ?? 0) + count));
}
