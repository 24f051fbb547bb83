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

export const TrafficPointSchema = z.object({
  /** Start of the step, ISO 8601. */
  t: z.string(),
  requests: z.number(),
  errors: z.number(),
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
