import type { CacheOutcome } from "../origin.ts";
import type { TargetStatus } from "../upstream/upstreams.ts";
import { createHistogram, observe, type Histogram } from "./histogram.ts";
import { CACHE_INDEX, CACHE_OUTCOMES, STATUS_CLASSES, escapeLabel, statusClassIndex } from "./labels.ts";
import { toPrometheus } from "./prometheus.ts";

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
}

export interface MetricsSnapshot {
  at: number;
  clientConnections: number;
  inFlight: number;
  series: ReadonlyArray<{ routeId: string; poolId: string; targetId: string; requests: number[]; bytesOut: number }>;
  durations: ReadonlyArray<{ routeId: string; poolId: string; counts: number[]; sumSeconds: number; count: number }>;
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
  targetStates(): TargetStatus[];
  toPrometheus(): string;
  snapshot(): MetricsSnapshot;
}

function createTargetSeries(routeId: string, poolId: string, targetId: string): TargetSeries {
  return {
    routeId,
    poolId,
    targetId,
    labels: `route="${escapeLabel(routeId)}",pool="${escapeLabel(poolId)}",target="${escapeLabel(targetId)}"`,
    requests: new Float64Array(STATUS_CLASSES.length * CACHE_OUTCOMES.length),
    bytesOut: 0,
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

export function createMetricsRegistry(options: { targetStates: () => TargetStatus[] }): MetricsRegistry {
  const routes = new Map<string, RouteSeries>();
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

  const registry: MetricsRegistry = {
    routeSeries(routeId, poolId, targetIds) {
      const key = `${routeId}\n${poolId}`;
      let series = routes.get(key);
      if (!series) routes.set(key, (series = createRouteSeries(routeId, poolId)));
      for (const targetId of targetIds) targetSeriesOf(series, targetId);
      return series;
    },
    unrouted,
    record(series, request) {
      const target = targetSeriesOf(series, request.targetId);
      const index = statusClassIndex(request.status) * CACHE_OUTCOMES.length + CACHE_INDEX[request.cacheOutcome];
      target.requests[index] = (target.requests[index] ?? 0) + 1;
      target.bytesOut += request.bytesOut;
      observe(series.duration, request.durationMs / 1000);
      if (request.upstreamMs > 0) observe(series.upstreamDuration, request.upstreamMs / 1000);
    },
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
    targetStates: options.targetStates,
    toPrometheus: () => toPrometheus(registry),
    snapshot() {
      const series: MetricsSnapshot["series"][number][] = [];
      const durations: MetricsSnapshot["durations"][number][] = [];
      for (const route of registry.allRoutes()) {
        for (const target of [route.noTarget, ...route.targets.values()]) {
          series.push({
            routeId: target.routeId,
            poolId: target.poolId,
            targetId: target.targetId,
            requests: Array.from(target.requests),
            bytesOut: target.bytesOut,
          });
        }
        durations.push({
          routeId: route.routeId,
          poolId: route.poolId,
          counts: Array.from(route.duration.counts),
          sumSeconds: route.duration.sumSeconds,
          count: route.duration.count,
        });
      }
      return { at: Date.now(), clientConnections, inFlight, series, durations };
    },
  };
  return registry;
}
