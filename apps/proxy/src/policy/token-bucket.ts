/**
 * A token bucket refilled lazily on each take, so an idle bucket costs nothing. Times are
 * `performance.now()` milliseconds.
 */
export interface TokenBucket {
  tokens: number;
  updatedAt: number;
}

export interface BucketShape {
  /** Tokens per millisecond. */
  readonly ratePerMs: number;
  readonly burst: number;
}

export function fullBucket(shape: BucketShape, now: number): TokenBucket {
  return { tokens: shape.burst, updatedAt: now };
}

/** Takes one token; returns 0 when taken, else the seconds until one is available (≥ 1). */
export function takeToken(bucket: TokenBucket, shape: BucketShape, now: number): number {
  bucket.tokens = Math.min(shape.burst, bucket.tokens + (now - bucket.updatedAt) * shape.ratePerMs);
  bucket.updatedAt = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  return Math.max(1, Math.ceil((1 - bucket.tokens) / shape.ratePerMs / 1000));
}
