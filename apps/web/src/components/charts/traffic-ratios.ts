import type { TrafficCounters } from "@concierge/config/realtime";

type CacheCounters = Pick<TrafficCounters, "cacheHits" | "cacheStale" | "cacheMisses">;

/**
 * Share of cache lookups answered from the cache (fresh or stale); bypassed requests are no
 * lookups. NaN with no lookups, so a chart shows a gap rather than a misleading 0 %.
 */
export function cacheHitRatio(counters: CacheCounters): number {
  const served = counters.cacheHits + counters.cacheStale;
  const lookups = served + counters.cacheMisses;
  return lookups === 0 ? Number.NaN : served / lookups;
}

/** Share of requests answered with a 5xx; 0 with no requests (nothing failed). */
export function errorRatio(counters: Pick<TrafficCounters, "requests" | "errors">): number {
  return counters.requests === 0 ? 0 : counters.errors / counters.requests;
}

export function perSecond(value: number, intervalMs: number): number {
  return intervalMs > 0 ? (value * 1000) / intervalMs : 0;
}

/** null where the value is not a number, which uPlot draws as a gap. */
export function orGap(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
