import { z } from "zod";

import type { NodeQuestionEvents } from "./node-questions.ts";
import { ErrorCauseCountsSchema } from "./traffic.ts";

/**
 * The live contract between proxy nodes (senders), the web server (aggregator) and browsers.
 * Nodes push a `MetricsDelta` once a second on `/nodes`; the web sums deltas per node and over
 * all nodes and emits a `LiveTick` to browsers on `/dashboard`.
 */

/**
 * Fixed log-scale latency buckets, the same on every worker, node and rollup, so histograms
 * merge by adding counts. Bounds in seconds, each ×2 the previous: 0.25 ms … ~131 s. A histogram
 * holds one count per bound plus a last one for everything above (not cumulative).
 */
export const LATENCY_BUCKET_BOUNDS_SECONDS: readonly number[] = Array.from(
  { length: 20 },
  (_, index) => 0.00025 * 2 ** index,
);
export const LATENCY_BUCKET_COUNT = LATENCY_BUCKET_BOUNDS_SECONDS.length + 1;

/**
 * The `quantile` (0…1) of a bucketed histogram, in milliseconds, interpolated linearly inside the
 * bucket that holds it. 0 for an empty histogram; the overflow bucket reports its lower bound.
 */
export function percentileFromBuckets(counts: ArrayLike<number>, quantile: number): number {
  let total = 0;
  for (let index = 0; index < counts.length; index++) total += counts[index] ?? 0;
  if (total === 0) return 0;

  const rank = quantile * total;
  let seen = 0;
  for (let index = 0; index < counts.length; index++) {
    const count = counts[index] ?? 0;
    if (count === 0 || seen + count < rank) {
      seen += count;
      continue;
    }
    const lower = index === 0 ? 0 : (LATENCY_BUCKET_BOUNDS_SECONDS[index - 1] ?? 0);
    const upper = LATENCY_BUCKET_BOUNDS_SECONDS[index];
    if (upper === undefined) return lower * 1000;
    return (lower + ((rank - seen) / count) * (upper - lower)) * 1000;
  }
  return (LATENCY_BUCKET_BOUNDS_SECONDS.at(-1) ?? 0) * 1000;
}

export const STATUS_CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

const count = z.number().nonnegative();
const LatencyBucketsSchema = z.array(count).length(LATENCY_BUCKET_COUNT);

/** Additive counters of one interval: they sum across workers, nodes and time. */
export const TrafficCountersSchema = z.object({
  requests: count,
  /** Answers with status 5xx, whether the proxy or the origin produced them. */
  errors: count,
  status: z.object({ "1xx": count, "2xx": count, "3xx": count, "4xx": count, "5xx": count }),
  bytesIn: count,
  bytesOut: count,
  cacheHits: count,
  cacheStale: count,
  cacheMisses: count,
  cacheBypass: count,
  coalesced: count,
  bytesSaved: count,
  originMsSaved: count,
});
export type TrafficCounters = z.infer<typeof TrafficCountersSchema>;

export function emptyCounters(): TrafficCounters {
  return {
    requests: 0,
    errors: 0,
    status: { "1xx": 0, "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0 },
    bytesIn: 0,
    bytesOut: 0,
    cacheHits: 0,
    cacheStale: 0,
    cacheMisses: 0,
    cacheBypass: 0,
    coalesced: 0,
    bytesSaved: 0,
    originMsSaved: 0,
  };
}

/** Adds `from` into `into` (mutates `into`). */
export function addCounters(into: TrafficCounters, from: TrafficCounters): TrafficCounters {
  into.requests += from.requests;
  into.errors += from.errors;
  for (const statusClass of STATUS_CLASSES) into.status[statusClass] += from.status[statusClass];
  into.bytesIn += from.bytesIn;
  into.bytesOut += from.bytesOut;
  into.cacheHits += from.cacheHits;
  into.cacheStale += from.cacheStale;
  into.cacheMisses += from.cacheMisses;
  into.cacheBypass += from.cacheBypass;
  into.coalesced += from.coalesced;
  into.bytesSaved += from.bytesSaved;
  into.originMsSaved += from.originMsSaved;
  return into;
}

export const TargetStateSchema = z.enum(["up", "down", "ejected", "draining", "disabled"]);

/** A target as a node sees it now; `newConnections` and `requests` count the interval only. */
export const TargetLiveSchema = z.object({
  targetId: z.string(),
  poolId: z.string(),
  url: z.string(),
  state: TargetStateSchema,
  /** Epoch ms of the last state change. */
  since: z.number(),
  lastProbe: z
    .object({ ok: z.boolean(), at: z.number(), detail: z.string().optional() })
    .nullable(),
  inFlight: count,
  ewmaMs: count,
  openConnections: count,
  newConnections: count,
  requests: count,
});
export type TargetLive = z.infer<typeof TargetLiveSchema>;

/** One route's traffic in an interval; the pool's is the sum of its routes'. */
export const RouteDeltaSchema = z.object({
  routeId: z.string(),
  poolId: z.string(),
  /** Display name; "" for requests no route matched. */
  name: z.string(),
  poolName: z.string(),
  counters: TrafficCountersSchema,
  latency: LatencyBucketsSchema,
});
export type RouteDelta = z.infer<typeof RouteDeltaSchema>;

/** What one node sends once a second: every worker's traffic of that second, summed. */
export const MetricsDeltaSchema = z.object({
  /** Epoch ms at the end of the interval. */
  at: z.number(),
  intervalMs: z.number().positive(),
  workers: z.number().int().positive(),
  revision: z.number().int().nullable(),
  clientConnections: count,
  inFlight: count,
  /**
   * Over all the node's routes: why requests failed (client_aborted included, as in ERROR_CAUSES).
   * Defaults to none, so a node of an earlier release keeps streaming while the web is upgraded first.
   */
  errorCauses: ErrorCauseCountsSchema.default({}),
  routes: z.array(RouteDeltaSchema).max(10_000),
  targets: z.array(TargetLiveSchema).max(10_000),
});
export type MetricsDelta = z.infer<typeof MetricsDeltaSchema>;

export const LatencySummarySchema = z.object({ p50Ms: count, p95Ms: count, p99Ms: count });
export type LatencySummary = z.infer<typeof LatencySummarySchema>;

export function summarizeLatency(buckets: ArrayLike<number>): LatencySummary {
  return {
    p50Ms: percentileFromBuckets(buckets, 0.5),
    p95Ms: percentileFromBuckets(buckets, 0.95),
    p99Ms: percentileFromBuckets(buckets, 0.99),
  };
}

const LiveCountersSchema = TrafficCountersSchema.extend({ latency: LatencySummarySchema });

export const LiveTotalsSchema = LiveCountersSchema.extend({
  errorCauses: ErrorCauseCountsSchema,
  clientConnections: count,
  upstreamConnections: count,
  newUpstreamConnections: count,
  /** Upstream requests per newly opened upstream connection in the interval (reuse); null with none opened. */
  requestsPerUpstreamConnection: count.nullable(),
  inFlight: count,
});

/** One second of traffic of one node, or of all nodes (`nodeId: "all"`), as browsers receive it. */
export const LiveTickSchema = z.object({
  at: z.number(),
  intervalMs: z.number(),
  nodeId: z.string(),
  totals: LiveTotalsSchema,
  routes: z.array(
    LiveCountersSchema.extend({ routeId: z.string(), poolId: z.string(), name: z.string() }),
  ),
  pools: z.array(LiveCountersSchema.extend({ poolId: z.string(), name: z.string() })),
  targets: z.array(
    TargetLiveSchema.extend({ nodeId: z.string(), share: z.number().min(0).max(1) }),
  ),
  nodes: z.array(
    z.object({
      nodeId: z.string(),
      workers: z.number().int(),
      revision: z.number().int().nullable(),
    }),
  ),
});
export type LiveTick = z.infer<typeof LiveTickSchema>;
export type LiveTotals = z.infer<typeof LiveTotalsSchema>;

/** `GET /api/v1/live/overview?node=` — the last 15 minutes of ticks, oldest first, to seed a page. */
export const LiveOverviewSchema = z.object({ nodeId: z.string(), ticks: z.array(LiveTickSchema) });
export type LiveOverview = z.infer<typeof LiveOverviewSchema>;
export const LIVE_HISTORY_MS = 15 * 60_000;

export const LiveFilterSchema = z.object({ nodeId: z.string().min(1).max(200) });
/** `nodeId` is a node's id, or "all" for the sum over every node. */
export type LiveFilter = z.infer<typeof LiveFilterSchema>;

export interface NodeStatus {
  nodeId: string;
  connected: boolean;
  at: number;
}

/** `/nodes` namespace, node → web. */
export interface NodeToServerEvents {
  "node:metrics": (delta: MetricsDelta) => void;
  /** Sent when a target changes state, between the once-a-second deltas. */
  "node:targets": (targets: TargetLive[]) => void;
}

/** `/nodes` namespace, web → node. */
export type ServerToNodeEvents = NodeQuestionEvents;

/** `/dashboard` namespace, web → browser. */
export interface DashboardServerEvents {
  "live:tick": (tick: LiveTick) => void;
  "node:status": (status: NodeStatus) => void;
  "node:targets": (event: { nodeId: string; targets: TargetLive[] }) => void;
  "config:applied": (event: { nodeId: string; revision: number }) => void;
}

/** `/dashboard` namespace, browser → web. */
export interface DashboardClientEvents {
  /** `joined` is called once the socket is in the room: ticks sent after it reach this socket. */
  "live:subscribe": (filter: LiveFilter, joined?: () => void) => void;
  "live:unsubscribe": (filter: LiveFilter) => void;
}
