import { z } from "zod";

/** A token bucket: refills at `requestsPerSecond`, holds at most `burst` tokens. */
export const TokenBucketSchema = z.strictObject({
  requestsPerSecond: z.number().positive({ message: "must be above 0" }).max(1_000_000),
  burst: z.int().min(1).max(1_000_000),
});
export type TokenBucket = z.output<typeof TokenBucketSchema>;

/**
 * Limits for one route, per proxy node: each worker enforces its share (limit ÷ workers),
 * see docs/decisions/0005-rate-limits-per-worker.md. Over a bucket → 429 with Retry-After.
 */
export const RateLimitSchema = z.strictObject({
  /** All clients of the route together. */
  route: TokenBucketSchema.optional(),
  /** Each client address on its own. */
  client: TokenBucketSchema.optional(),
  /** Requests in flight on the route at once; more → 503 with Retry-After. */
  maxConcurrent: z.int().min(1).max(1_000_000).optional(),
});
export type RateLimit = z.output<typeof RateLimitSchema>;
