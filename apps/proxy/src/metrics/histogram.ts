import { LATENCY_BUCKET_BOUNDS_SECONDS, LATENCY_BUCKET_COUNT } from "@concierge/config/realtime";

export { LATENCY_BUCKET_BOUNDS_SECONDS };

export interface Histogram {
  /** One count per bound, plus the last for everything above: not cumulative. */
  readonly counts: Float64Array;
  sumSeconds: number;
  count: number;
}

export function createHistogram(): Histogram {
  return { counts: new Float64Array(LATENCY_BUCKET_COUNT), sumSeconds: 0, count: 0 };
}

/** The bucket a duration falls in: the first whose bound it does not exceed, else the overflow. */
export function bucketOf(seconds: number): number {
  let bucket = 0;
  while (bucket < LATENCY_BUCKET_BOUNDS_SECONDS.length && seconds > (LATENCY_BUCKET_BOUNDS_SECONDS[bucket] ?? 0)) {
    bucket++;
  }
  return bucket;
}

/** Adds one duration whose bucket the caller already knows (it records the same bucket elsewhere too). */
export function observeInBucket(histogram: Histogram, bucket: number, seconds: number): void {
  histogram.counts[bucket] = (histogram.counts[bucket] ?? 0) + 1;
  histogram.sumSeconds += seconds;
  histogram.count++;
}
