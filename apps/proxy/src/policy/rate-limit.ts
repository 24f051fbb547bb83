import type { RateLimit, TokenBucket as BucketConfig } from "@concierge/config/route-rate-limit";

import { fullBucket, takeToken, type BucketShape, type TokenBucket } from "./token-bucket.ts";

/**
 * A route's limits on one worker. Each worker enforces its share of the configured numbers
 * (limit ÷ workers, at least 1), so a node as a whole stays near them without shared state:
 * docs/decisions/0005-rate-limits-per-worker.md. State starts fresh with each revision.
 */
export interface CompiledRateLimit {
  /** 0 when the request may pass; else the seconds to put in Retry-After. */
  take(clientIp: string): number;
  /** Claims an in-flight slot; false when the route is at its cap. */
  enter(): boolean;
  leave(): void;
}

/** Per-client buckets kept at most; the least recently refilled are dropped first. */
const MAX_CLIENT_BUCKETS = 10_000;

function shapeOf(config: BucketConfig, workers: number): BucketShape {
  return { ratePerMs: config.requestsPerSecond / workers / 1000, burst: Math.max(1, Math.ceil(config.burst / workers)) };
}

export function compileRateLimit(config: RateLimit, workers: number): CompiledRateLimit | null {
  if (!config.route && !config.client && config.maxConcurrent === undefined) return null;
  const routeShape = config.route && shapeOf(config.route, workers);
  const routeBucket = routeShape && fullBucket(routeShape, performance.now());
  const clientShape = config.client && shapeOf(config.client, workers);
  const clientBuckets = new Map<string, TokenBucket>();
  const maxInFlight = config.maxConcurrent === undefined ? Infinity : Math.max(1, Math.ceil(config.maxConcurrent / workers));
  let inFlight = 0;

  return {
    take(clientIp) {
      const now = performance.now();
      if (clientShape) {
        let bucket = clientBuckets.get(clientIp);
        if (bucket) {
          clientBuckets.delete(clientIp); // re-inserted last: the Map's order is recency
        } else {
          bucket = fullBucket(clientShape, now);
          if (clientBuckets.size >= MAX_CLIENT_BUCKETS) clientBuckets.delete(clientBuckets.keys().next().value ?? "");
        }
        clientBuckets.set(clientIp, bucket);
        const wait = takeToken(bucket, clientShape, now);
        if (wait > 0) return wait;
      }
      return routeShape && routeBucket ? takeToken(routeBucket, routeShape, now) : 0;
    },
    enter() {
      if (inFlight >= maxInFlight) return false;
      inFlight++;
      return true;
    },
    leave() {
      inFlight--;
    },
  };
}
