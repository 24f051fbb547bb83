import type { ProxyError } from "../errors.ts";
import type { CacheOutcome } from "../origin.ts";
import type { TargetStatus } from "../upstream/upstreams.ts";
import { CELL, CELL_WIDTH, CELLS_PER_TARGET, addAt, cellIndex } from "./cells.ts";
import { bucketOf, createHistogram, observeInBucket, type Histogram } from "./histogram.ts";
import {
  CACHE_INDEX,
  CACHE_OUTCOMES,
  CAUSE_BY_CODE,
  NO_CAUSE,
  ORIGIN_5XX,
  STATUS_CLASSES,
  escapeLabel,
  statusClassIndex,
} from "./labels.ts";
import { toPrometheus } from "./prometheus.ts";
import { createRequestSampler, type RequestSampler } from "./request-samples.ts";

/**
 * Counters per route × pool × target × status class × cache status, latency histograms per
 * route, and connection gauges. Series are created when a revision is compiled and survive
 * later revisions (counters never go back); recording a request is array arithmetic only.
 */
export interface TargetSeries {
  readonly routeId: string;
  readonly poolId: string;
  readonly targetId: string;
  /** Prometheus label text, escaped once: `route="…",pool="…",target="…"`. */
  readonly labels: string;
  /** Index `statusClass * CACHE_OUTCOMES.length + cacheOutcome`. */
  readonly requests: Float64Array;
  bytesOut: number;
  /**
   * Running totals per cell (same index as `requests`), laid out as in cells.ts; a cell's array
   * is allocated the first time it sees a request and reused for the process's life.
   */
  readonly cells: Array<Float64Array | undefined>;
}

export interface RouteSeries {
  readonly routeId: string;
  readonly poolId: string;
  readonly labels: string;
  readonly targets: Map<string, TargetSeries>;
  /** Answers no target took part in: refusals, errors before forwarding, cache hits. */
  readonly noTarget: TargetSeries;
  readonly duration: Histogram;
  readonly upstreamDuration: Histogram;
}

export interface RequestRecord {
  targetId: string;
  status: number;
  cacheOutcome: CacheOutcome;
  durationMs: number;
  /** 0 when no target answered. */
  upstreamMs: number;
  bytesOut: number;
  /** Request body bytes read from the client; absent: not measured. */
  bytesIn?: number;
  /** Body bytes served from the cache that the origin did not send; absent: the body for answers from the cache. */
  bytesSaved?: number;
  /** The answer waited on another request's origin fetch instead of making its own. */
  coalesced?: boolean;
  /** What went wrong, when the proxy itself failed the request (a 5xx without it is the origin's). */
  error?: ProxyError | undefined;
  /** Identify a request in a sample (slow or failed requests only); absent: "" or 0. */
  method?: string;
  host?: string;
  /** Without the query string. */
  path?: string;
  requestId?: string;
  /** Targets tried. */
  attempts?: number;
}

export interface MetricsRegistry {
  /** Called at compile time: the series of one route, reused from earlier revisions when it existed. */
  routeSeries(routeId: string, poolId: string, targetIds: readonly string[]): RouteSeries;
  /** Requests that matched no route (or arrived with no config). */
  readonly unrouted: RouteSeries;
  record(series: RouteSeries, request: RequestRecord): void;
  requestStarted(): void;
  requestFinished(): void;
  connectionOpened(): void;
  connectionClosed(): void;
  readonly clientConnections: number;
  readonly inFlight: number;
  allRoutes(): Iterable<RouteSeries>;
  /** Slow and failed requests recorded since the last call (rate-capped). */
  takeSamples: RequestSampler["take"];
  targetStates(): TargetStatus[];
  toPrometheus(): string;
}

function createTargetSeries(routeId: string, poolId: string, targetId: string): TargetSeries {
  return {
    routeId,
    poolId,
    targetId,
    labels: `route="${escapeLabel(routeId)}",pool="${escapeLabel(poolId)}",target="${escapeLabel(targetId)}"`,
    requests: new Float64Array(STATUS_CLASSES.length * CACHE_OUTCOMES.length),
    bytesOut: 0,
    cells: new Array<Float64Array | undefined>(CELLS_PER_TARGET).fill(undefined),
  };
}

function createRouteSeries(routeId: string, poolId: string): RouteSeries {
  return {
    routeId,
    poolId,
    labels: `route="${escapeLabel(routeId)}",pool="${escapeLabel(poolId)}"`,
    targets: new Map(),
    noTarget: createTargetSeries(routeId, poolId, ""),
    duration: createHistogram(),
    upstreamDuration: createHistogram(),
  };
}

/** Answers whose body came out of the cache rather than from the origin. */
const SERVED_FROM_CACHE = {
  hit: true,
  stale: true,
  revalidated: true,
  miss: false,
  bypass: false,
  none: false,
} as const satisfies Record<CacheOutcome, boolean>;

/** `recording: false` makes `record` a no-op, chosen once here so the recording path has no branch for it. */
function recordNothing(): void {}

export function createMetricsRegistry(options: {
  targetStates: () => TargetStatus[];
  recording?: boolean;
  /** Requests at least this long are sampled as slow; 1000 when absent. */
  slowRequestMs?: number;
  /** Samples kept per second of each kind (slow, failed); 0 keeps none; 5 when absent. */
  samplesPerSecond?: number;
}): MetricsRegistry {
  const routes = new Map<string, RouteSeries>();
  const sampler = createRequestSampler({
    slowMs: options.slowRequestMs ?? 1_000,
    perSecond: options.samplesPerSecond ?? 5,
  });
  const unrouted = createRouteSeries("", "");
  let clientConnections = 0;
  let inFlight = 0;

  const targetSeriesOf = (series: RouteSeries, targetId: string): TargetSeries => {
    if (targetId === "") return series.noTarget;
    let target = series.targets.get(targetId);
    if (!target) {
      // A target outside the compiled list (added after compile): created once, then reused.
      target = createTargetSeries(series.routeId, series.poolId, targetId);
      series.targets.set(targetId, target);
    }
    return target;
  };

  const record = (series: RouteSeries, request: RequestRecord): void => {
    const target = targetSeriesOf(series, request.targetId);
    const index = cellIndex(statusClassIndex(request.status), CACHE_INDEX[request.cacheOutcome]);
    target.requests[index] = (target.requests[index] ?? 0) + 1;
    target.bytesOut += request.bytesOut;
    const cell = (target.cells[index] ??= new Float64Array(CELL_WIDTH));
    const fromCache = SERVED_FROM_CACHE[request.cacheOutcome];
    addAt(cell, CELL.requests, 1);
    addAt(cell, CELL.bytesIn, request.bytesIn ?? 0);
    addAt(cell, CELL.bytesOut, request.bytesOut);
    if (request.coalesced) addAt(cell, CELL.coalesced, 1);
    if (fromCache) {
      addAt(cell, CELL.bytesSaved, request.bytesSaved ?? request.bytesOut);
      // What the origin would have taken, estimated by the route's mean upstream time so far.
      const upstream = series.upstreamDuration;
      if (upstream.count > 0) addAt(cell, CELL.originMsSaved, (upstream.sumSeconds / upstream.count) * 1000);
    }
    addAt(cell, CELL.latencySumMs, request.durationMs);
    const bucket = bucketOf(request.durationMs / 1000);
    addAt(cell, CELL.latency + bucket, 1);
    observeInBucket(series.duration, bucket, request.durationMs / 1000);
    if (request.upstreamMs > 0) {
      const upstreamBucket = bucketOf(request.upstreamMs / 1000);
      addAt(cell, CELL.upstream + upstreamBucket, 1);
      observeInBucket(series.upstreamDuration, upstreamBucket, request.upstreamMs / 1000);
    }
    const error = request.error;
    const cause = error ? CAUSE_BY_CODE[error.code] : request.status >= 500 ? ORIGIN_5XX : NO_CAUSE;
    if (cause !== NO_CAUSE) addAt(cell, CELL.errorCauses + cause, 1);
    if (cause !== NO_CAUSE || request.durationMs >= sampler.slowMs) sampler.offer(target, request, cause);
  };

  const registry: MetricsRegistry = {
    routeSeries(routeId, poolId, targetIds) {
      const key = `${routeId}\n${poolId}`;
      let series = routes.get(key);
      if (!series) routes.set(key, (series = createRouteSeries(routeId, poolId)));
      for (const targetId of targetIds) targetSeriesOf(series, targetId);
      return series;
    },
    unrouted,
    record: options.recording === false ? recordNothing : record,
    requestStarted: () => void inFlight++,
    requestFinished: () => void inFlight--,
    connectionOpened: () => void clientConnections++,
    connectionClosed: () => void clientConnections--,
    get clientConnections() {
      return clientConnections;
    },
    get inFlight() {
      return inFlight;
    },
    *allRoutes() {
      yield unrouted;
      yield* routes.values();
    },
    takeSamples: () => sampler.take(),
    targetStates: options.targetStates,
    toPrometheus: () => toPrometheus(registry),
  };
  return registry;
}
