import { z } from "zod";

import { TargetInputSchema, TargetSchema } from "./target.ts";

export const ALGORITHMS = [
  "round_robin",
  "weighted_round_robin",
  "least_connections",
  "two_choices",
  "consistent_hash",
  "sticky_cookie",
] as const;
export const AlgorithmSchema = z.enum(ALGORITHMS);
export type Algorithm = z.output<typeof AlgorithmSchema>;

const headerName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { message: "must be a valid header name" })
  .transform((name) => name.toLowerCase());
const cookieName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, {
  message: "must be a valid cookie name",
});

/** What consistent hashing hashes. Absent: the client address. */
export const HashKeySchema = z.discriminatedUnion("source", [
  z.strictObject({ source: z.literal("client_ip") }),
  z.strictObject({ source: z.literal("header"), name: headerName }),
  z.strictObject({ source: z.literal("cookie"), name: cookieName }),
]);
export type HashKey = z.output<typeof HashKeySchema>;

export const HealthCheckSchema = z.strictObject({
  /** Active HTTP probes. Default true. Passive ejection works either way. */
  enabled: z.boolean().default(true),
  /** Path probed with GET; a 2xx or 3xx answer counts as healthy. */
  path: z.string().startsWith("/", { message: 'must start with "/"' }).default("/"),
  intervalMs: z.int().min(100).max(3_600_000).default(5_000),
  timeoutMs: z.int().min(10).max(60_000).default(2_000),
  /** Consecutive successes that bring a down target back. */
  healthyThreshold: z.int().min(1).max(100).default(2),
  /** Consecutive failures that mark a target down. */
  unhealthyThreshold: z.int().min(1).max(100).default(3),
});

export const PassiveEjectionSchema = z.strictObject({
  /** Consecutive failed requests (connect errors, resets, 5xx timeouts) before ejection. */
  consecutiveFailures: z.int().min(1).max(1000).default(5),
  /** First cool-down; doubles on each repeat ejection up to `maxEjectionMs`. */
  baseEjectionMs: z.int().min(100).max(3_600_000).default(10_000),
  maxEjectionMs: z.int().min(100).max(86_400_000).default(300_000),
});

export const RetrySchema = z.strictObject({
  /** Extra attempts on other targets for an idempotent request that failed before any response byte. */
  attempts: z.int().min(0).max(10).default(2),
  /** Retries allowed as a percentage of recent requests, so retries cannot multiply an outage. */
  budgetPercent: z.int().min(0).max(100).default(20),
});

export const TimeoutsSchema = z.strictObject({
  connectMs: z.int().min(1).max(600_000).default(5_000),
  /** From request sent to response headers received; exceeded → 504. */
  firstByteMs: z.int().min(1).max(3_600_000).default(60_000),
  /** Longest silence while streaming a body either way; exceeded → 504 (or a cut stream). */
  idleMs: z.int().min(1).max(3_600_000).default(60_000),
});

export const StickyCookieSchema = z.strictObject({
  name: cookieName.default("concierge_sticky"),
  ttlSeconds: z.int().min(0).max(31_536_000).default(0),
});

const poolFields = {
  name: z.string().trim().min(1, { message: "must not be empty" }).max(100),
  algorithm: AlgorithmSchema.default("round_robin"),
  hashKey: HashKeySchema.default({ source: "client_ip" }),
  stickyCookie: StickyCookieSchema.default({ name: "concierge_sticky", ttlSeconds: 0 }),
  healthCheck: HealthCheckSchema.default(HealthCheckSchema.parse({})),
  passiveEjection: PassiveEjectionSchema.default(PassiveEjectionSchema.parse({})),
  retry: RetrySchema.default(RetrySchema.parse({})),
  timeouts: TimeoutsSchema.default(TimeoutsSchema.parse({})),
  /** Cap on open connections to each target; requests queue beyond it. */
  maxConnectionsPerTarget: z.int().min(1).max(10_000).default(128),
};

function refineTargets(
  pool: { targets: readonly { url: string }[] },
  ctx: z.core.$RefinementCtx,
): void {
  const seen = new Map<string, number>();
  pool.targets.forEach((target, index) => {
    const key = target.url.replace(/\/+$/, "").toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["targets", index, "url"],
        message: `duplicates targets[${first}]`,
      });
    } else seen.set(key, index);
  });
}

export const PoolInputSchema = z
  .strictObject({
    ...poolFields,
    targets: z.array(TargetInputSchema).min(1, { message: "a pool needs at least one target" }).max(500),
  })
  .superRefine(refineTargets);
export type PoolInput = z.input<typeof PoolInputSchema>;

export const PoolSchema = z
  .strictObject({ id: z.uuid(), ...poolFields, targets: z.array(TargetSchema).max(500) })
  .superRefine(refineTargets);
export type Pool = z.output<typeof PoolSchema>;
