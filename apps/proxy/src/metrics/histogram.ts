/**
 * Fixed log-scale latency buckets, the same on every worker and node, so histograms merge by
 * adding counts. Bounds in seconds, each ×2 the previous: 0.25 ms … ~131 s.
 */
export const LATENCY_BUCKET_BOUNDS_SECONDS: readonly number[] = Array.from(
  { length: 20 },
  (_, index) => 0.00025 * 2 ** index,
);

export interface Histogram {
  /** One count per bound, plus the last for everything above: not cumulative. */
  readonly counts: Float64Array;
  sumSeconds: number;
  count: number;
}

export function createHistogram(): Histogram {
  return { counts: new Float64Array(LATENCY_BUCKET_BOUNDS_SECONDS.length + 1), sumSeconds: 0, count: 0 };
}

export function observe(histogram: Histogram, seconds: number): void {
  let bucket = 0;
  while (bucket < LATENCY_BUCKET_BOUNDS_SECONDS.length && seconds > (LATENCY_BUCKET_BOUNDS_SECONDS[bucket] ?? 0)) {
    bucket++;
  }
  histogram.counts[bucket] = (histogram.counts[bucket] ?? 0) + 1;
  histogram.sumSeconds += seconds;
  histogram.count++;
}
