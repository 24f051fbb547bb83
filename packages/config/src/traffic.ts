import { z } from "zod";

/** Traffic history (`GET /api/v1/traffic`) and proxy nodes (`GET /api/v1/nodes`), as the API speaks them. */

export const TRAFFIC_GROUP_BYS = ["route", "pool", "target", "status", "node", "cache"] as const;
export type TrafficGroupBy = (typeof TRAFFIC_GROUP_BYS)[number];

/** Steps a caller may ask for or that are chosen: each a whole number of rollup minutes. */
export const TRAFFIC_STEPS_SECONDS = [60, 300, 900, 3600, 6 * 3600, 86_400] as const;
/** At most this many points per series, so a range picks a coarser step rather than a huge answer. */
export const MAX_TRAFFIC_POINTS = 1_500;
const TARGET_POINTS = 120;

/** The finest step that keeps a range near 120 points and under the cap, never below `minimumSeconds`. */
export function chooseTrafficStep(rangeSeconds: number, minimumSeconds = 60): number {
  for (const step of TRAFFIC_STEPS_SECONDS) {
    if (step >= minimumSeconds && rangeSeconds / step <= TARGET_POINTS) return step;
  }
  return TRAFFIC_STEPS_SECONDS.at(-1) ?? 86_400;
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** `60`, `60s`, `5m`, `1h`, `1d` → seconds; a whole number of minutes. */
const StepSchema = z
  .string()
  .regex(/^\d{1,6}[smhd]?$/, "a step is a number of seconds or like 5m, 1h, 1d")
  .transform((text) => {
    const unit = /[smhd]$/.test(text) ? (text.at(-1) as keyof typeof UNIT_SECONDS) : "s";
    return Number.parseInt(text, 10) * UNIT_SECONDS[unit];
  })
  .refine(
    (seconds) => seconds >= 60 && seconds % 60 === 0,
    "a step is a whole number of minutes, at least 1m",
  );

const IdSchema = z.string().min(1).max(200);

export const TrafficQuerySchema = z
  .object({
    from: z.iso.datetime({ offset: true }).transform((text) => new Date(text)),
    to: z.iso.datetime({ offset: true }).transform((text) => new Date(text)),
    step: StepSchema.optional(),
    groupBy: z.enum(TRAFFIC_GROUP_BYS).default("route"),
    routeId: IdSchema.optional(),
    poolId: IdSchema.optional(),
    nodeId: IdSchema.optional(),
  })
  .superRefine((query, ctx) => {
    if (query.to <= query.from) {
      ctx.addIssue({ code: "custom", path: ["to"], message: "to must be after from" });
      return;
    }
    const rangeSeconds = (query.to.getTime() - query.from.getTime()) / 1000;
    if (query.step !== undefined && rangeSeconds / query.step > MAX_TRAFFIC_POINTS) {
      ctx.addIssue({
        code: "custom",
        path: ["step"],
        message: `that step gives more than ${MAX_TRAFFIC_POINTS} points for this range; choose a larger one`,
      });
    }
  });
export type TrafficQueryInput = z.input<typeof TrafficQuerySchema>;
export type TrafficQuery = z.output<typeof TrafficQuerySchema>;

/**
 * Why a request failed: every 5xx answer has exactly one cause (`origin_5xx` when the origin sent
 * it), and a client that left mid-exchange is `client_aborted` (499, counted here, not in
 * `errors`). The order is the index of each cause in `error_causes` arrays: append, never reorder.
 */
export const ERROR_CAUSES = [
  "origin_5xx",
  "connect_failed",
  "reset",
  "timeout",
  "bad_response",
  "no_healthy_target",
  "no_config",
  "loop_detected",
  "internal",
  "client_aborted",
] as const;
export type ErrorCause = (typeof ERROR_CAUSES)[number];
export const ERROR_CAUSE_COUNT = ERROR_CAUSES.length;

/** Failed requests by cause; causes with none are left out. */
export const ErrorCauseCountsSchema = z.partialRecord(z.enum(ERROR_CAUSES), z.number().nonnegative());
export type ErrorCauseCounts = z.infer<typeof ErrorCauseCountsSchema>;

/** Adds `from` into `into` (mutates `into`). */
export function addErrorCauses(into: ErrorCauseCounts, from: ErrorCauseCounts): ErrorCauseCounts {
  for (const cause of ERROR_CAUSES) {
    const added = from[cause];
    if (added) into[cause] = (into[cause] ?? 0) + added;
  }
  return into;
}

/** `[3, 0, 1, …]` indexed by ERROR_CAUSES → `{ origin_5xx: 3, reset: 1 }`. */
export function toErrorCauseCounts(counts: readonly number[]): ErrorCauseCounts {
  const named: ErrorCauseCounts = {};
  ERROR_CAUSES.forEach((cause, index) => {
    const count = counts[index] ?? 0;
    if (count > 0) named[cause] = count;
  });
  return named;
}

export const TrafficPointSchema = z.object({
  /** Start of the step, ISO 8601. */
  t: z.string(),
  requests: z.number(),
  /** 5xx answers. */
  errors: z.number(),
  errorCauses: ErrorCauseCountsSchema,
  bytesOut: z.number(),
  bytesSaved: z.number(),
  cacheHits: z.number(),
  cacheMisses: z.number(),
  /** Percentiles merged from the latency histograms of every rollup in the step; 0 without requests. */
  p50Ms: z.number(),
  p95Ms: z.number(),
  p99Ms: z.number(),
});
export type TrafficPoint = z.infer<typeof TrafficPointSchema>;

export const TrafficSeriesSchema = z.object({
  /** The grouped value: a route/pool/target/node id, a status class ("2xx") or a cache status ("hit"). */
  key: z.string(),
  label: z.string(),
  /** One point per step from `from`, gaps filled with zeros. */
  points: z.array(TrafficPointSchema),
});
export type TrafficSeries = z.infer<typeof TrafficSeriesSchema>;

export const TrafficResponseSchema = z.object({
  from: z.string(),
  to: z.string(),
  stepSeconds: z.number().int(),
  groupBy: z.enum(TRAFFIC_GROUP_BYS),
  series: z.array(TrafficSeriesSchema),
});
export type TrafficResponse = z.infer<typeof TrafficResponseSchema>;

/**
 * Traffic of one node in one time bucket for one route × target × status class × cache status,
 * as the proxy's rollup writer produces it and `traffic_rollups` stores it.
 */
export interface RollupRow {
  bucketStart: Date;
  bucketSeconds: number;
  nodeId: string;
  routeId: string;
  poolId: string;
  targetId: string;
  statusClass: string;
  cacheStatus: string;
  requests: number;
  errors: number;
  /** Failed requests per cause, indexed as ERROR_CAUSES (ERROR_CAUSE_COUNT entries). */
  errorCauses: number[];
  bytesIn: number;
  bytesOut: number;
  latencySumMs: number;
  /** LATENCY_BUCKET_COUNT counts each, bounds in `@concierge/config/realtime`. */
  latencyBuckets: number[];
  upstreamBuckets: number[];
}

/** A node is up while its last heartbeat is younger than this. */
export const NODE_DOWN_AFTER_MS = 30_000;

export const NodeDtoSchema = z.object({
  id: z.string(),
  host: z.string(),
  version: z.string(),
  workers: z.number().int(),
  status: z.enum(["up", "down"]),
  /** Whether the node's live socket is connected to this web instance now. */
  live: z.boolean(),
  startedAt: z.string(),
  lastHeartbeatAt: z.string(),
  heartbeatAgeMs: z.number(),
  revisionApplied: z.number().int().nullable(),
  lastError: z.string().nullable(),
});
export type NodeDto = z.infer<typeof NodeDtoSchema>;
export const NodeListSchema = z.object({ nodes: z.array(NodeDtoSchema) });
export type NodeList = z.infer<typeof NodeListSchema>;

/**
 * Slow and failed requests the proxy keeps a sample of (`GET /api/v1/traffic/requests`). Only the
 * path is kept, never the query string, headers or cookies: they may hold secrets.
 */
export const REQUEST_SAMPLE_KINDS = ["slow", "failed"] as const;
export type RequestSampleKind = (typeof REQUEST_SAMPLE_KINDS)[number];

/** One sampled request as the proxy records it and `request_samples` stores it. */
export interface RequestSampleRow {
  at: Date;
  nodeId: string;
  /** The worker's slot on its node, 1..PROXY_WORKERS. */
  worker: number;
  /** "" when no route matched, no pool was involved or no target was reached. */
  routeId: string;
  poolId: string;
  targetId: string;
  method: string;
  host: string;
  path: string;
  /** The status the client got; 499 when it left first. */
  status: number;
  /** null for a request that only was slow. */
  cause: ErrorCause | null;
  cacheStatus: string;
  /** Took at least the node's slow-request threshold. */
  slow: boolean;
  totalMs: number;
  /** 0 when no target answered. */
  upstreamMs: number;
  attempts: number;
  requestId: string;
}

export const REQUEST_SAMPLES_DEFAULT_LIMIT = 100;
export const REQUEST_SAMPLES_MAX_LIMIT = 1_000;

export const RequestSamplesQuerySchema = z
  .object({
    from: z.iso.datetime({ offset: true }).transform((text) => new Date(text)).optional(),
    to: z.iso.datetime({ offset: true }).transform((text) => new Date(text)).optional(),
    /** Absent: both. A slow request that failed is in both. */
    kind: z.enum(REQUEST_SAMPLE_KINDS).optional(),
    routeId: IdSchema.optional(),
    poolId: IdSchema.optional(),
    targetId: IdSchema.optional(),
    nodeId: IdSchema.optional(),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(REQUEST_SAMPLES_MAX_LIMIT)
      .default(REQUEST_SAMPLES_DEFAULT_LIMIT),
  })
  .superRefine((query, ctx) => {
    if (query.from !== undefined && query.to !== undefined && query.to <= query.from) {
      ctx.addIssue({ code: "custom", path: ["to"], message: "to must be after from" });
    }
  });
export type RequestSamplesQuery = z.output<typeof RequestSamplesQuerySchema>;

export const RequestSampleDtoSchema = z.object({
  /** ISO 8601, when the answer ended. */
  at: z.string(),
  nodeId: z.string(),
  worker: z.number().int(),
  routeId: z.string(),
  /** The route's current name; null when no route matched or it was deleted since. */
  routeName: z.string().nullable(),
  poolId: z.string(),
  poolName: z.string().nullable(),
  targetId: z.string(),
  /** The target's current URL; null when no target was reached or it was deleted since. */
  targetUrl: z.string().nullable(),
  method: z.string(),
  host: z.string(),
  path: z.string(),
  status: z.number().int(),
  cause: z.enum(ERROR_CAUSES).nullable(),
  cacheStatus: z.string(),
  slow: z.boolean(),
  totalMs: z.number(),
  upstreamMs: z.number(),
  attempts: z.number().int(),
  requestId: z.string(),
});
export type RequestSampleDto = z.infer<typeof RequestSampleDtoSchema>;
export const RequestSampleListSchema = z.object({ samples: z.array(RequestSampleDtoSchema) });
export type RequestSampleList = z.infer<typeof RequestSampleListSchema>;
