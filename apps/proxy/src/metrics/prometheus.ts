import { ERROR_CAUSES } from "@concierge/config/traffic";

import type { TargetStatus } from "../upstream/upstreams.ts";
import type { Histogram } from "./histogram.ts";
import { LATENCY_BUCKET_BOUNDS_SECONDS } from "./histogram.ts";
import { CELL } from "./cells.ts";
import { CACHE_OUTCOMES, STATUS_CLASSES, escapeLabel } from "./labels.ts";
import type { MetricsRegistry, TargetSeries } from "./registry.ts";

/** Counters kept per cell, exposed summed per route × pool × target. */
const CELL_COUNTERS = [
  ["concierge_request_bytes_total", "Request body bytes read from clients.", CELL.bytesIn, 1],
  ["concierge_cache_bytes_saved_total", "Body bytes served from the cache that the origin did not send.", CELL.bytesSaved, 1],
  ["concierge_coalesced_requests_total", "Requests answered by another request's origin fetch.", CELL.coalesced, 1],
  ["concierge_origin_time_saved_seconds_total", "Estimated origin time saved by answers from the cache.", CELL.originMsSaved, 0.001],
] as const;

function cellSum(target: TargetSeries, field: number): number {
  let sum = 0;
  for (const cell of target.cells) sum += cell?.[field] ?? 0;
  return sum;
}

/** Prometheus text exposition format 0.0.4, every name under `concierge_`. */
export function toPrometheus(registry: MetricsRegistry): string {
  const lines: string[] = [];
  const header = (name: string, type: string, help: string) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };

  header("concierge_requests_total", "counter", "Requests answered, by route, pool, target, status class and cache status.");
  for (const route of registry.allRoutes()) {
    for (const target of [route.noTarget, ...route.targets.values()]) {
      target.requests.forEach((count, index) => {
        if (count === 0) return;
        const statusClass = STATUS_CLASSES[Math.floor(index / CACHE_OUTCOMES.length)];
        const cacheStatus = CACHE_OUTCOMES[index % CACHE_OUTCOMES.length];
        lines.push(
          `concierge_requests_total{${target.labels},status_class="${statusClass}",cache_status="${cacheStatus}"} ${count}`,
        );
      });
    }
  }

  header("concierge_response_bytes_total", "counter", "Body bytes sent to clients.");
  for (const route of registry.allRoutes()) {
    for (const target of [route.noTarget, ...route.targets.values()]) {
      if (target.bytesOut > 0) lines.push(`concierge_response_bytes_total{${target.labels}} ${target.bytesOut}`);
    }
  }

  for (const [name, help, field, scale] of CELL_COUNTERS) {
    header(name, "counter", help);
    for (const route of registry.allRoutes()) {
      for (const target of [route.noTarget, ...route.targets.values()]) {
        const value = cellSum(target, field) * scale;
        if (value > 0) lines.push(`${name}{${target.labels}} ${value}`);
      }
    }
  }

  header("concierge_errors_total", "counter", "Failed requests (5xx answers, clients that left), by cause.");
  for (const route of registry.allRoutes()) {
    for (const target of [route.noTarget, ...route.targets.values()]) {
      ERROR_CAUSES.forEach((cause, index) => {
        const count = cellSum(target, CELL.errorCauses + index);
        if (count > 0) lines.push(`concierge_errors_total{${target.labels},cause="${cause}"} ${count}`);
      });
    }
  }

  header("concierge_request_duration_seconds", "histogram", "Time from request start to the end of the answer.");
  for (const route of registry.allRoutes()) {
    writeHistogram(lines, "concierge_request_duration_seconds", route.labels, route.duration);
  }
  header("concierge_upstream_duration_seconds", "histogram", "Time from the first upstream attempt to response headers.");
  for (const route of registry.allRoutes()) {
    writeHistogram(lines, "concierge_upstream_duration_seconds", route.labels, route.upstreamDuration);
  }

  header("concierge_client_connections", "gauge", "Open client connections.");
  lines.push(`concierge_client_connections ${registry.clientConnections}`);
  header("concierge_requests_in_flight", "gauge", "Requests being answered.");
  lines.push(`concierge_requests_in_flight ${registry.inFlight}`);

  writeTargetFigures(lines, header, registry.targetStates());
  return `${lines.join("\n")}\n`;
}

function writeHistogram(lines: string[], name: string, labels: string, histogram: Histogram): void {
  if (histogram.count === 0) return;
  let cumulative = 0;
  LATENCY_BUCKET_BOUNDS_SECONDS.forEach((bound, index) => {
    cumulative += histogram.counts[index] ?? 0;
    lines.push(`${name}_bucket{${labels},le="${bound}"} ${cumulative}`);
  });
  lines.push(
    `${name}_bucket{${labels},le="+Inf"} ${histogram.count}`,
    `${name}_sum{${labels}} ${histogram.sumSeconds}`,
    `${name}_count{${labels}} ${histogram.count}`,
  );
}

function writeTargetFigures(
  lines: string[],
  header: (name: string, type: string, help: string) => void,
  states: readonly TargetStatus[],
): void {
  const figures = [
    ["concierge_upstream_connections", "gauge", "Open connections to a target.", (s: TargetStatus) => s.openConnections],
    ["concierge_upstream_connections_opened_total", "counter", "Connections opened to a target.", (s: TargetStatus) => s.connectionsOpened],
    ["concierge_upstream_requests_total", "counter", "Requests sent to a target.", (s: TargetStatus) => s.requests],
    ["concierge_upstream_in_flight", "gauge", "Requests a target is answering.", (s: TargetStatus) => s.inFlight],
    ["concierge_target_up", "gauge", "1 when the target receives traffic.", (s: TargetStatus) => (s.state === "up" ? 1 : 0)],
  ] as const;
  for (const [name, type, help, value] of figures) {
    header(name, type, help);
    for (const state of states) {
      lines.push(`${name}{pool="${escapeLabel(state.poolId)}",target="${escapeLabel(state.targetId)}"} ${value(state)}`);
    }
  }
}
