import { describe, expect, it } from "vitest";

import { ProxyError } from "../errors.ts";
import { LATENCY_BUCKET_BOUNDS_SECONDS } from "./histogram.ts";
import { createMetricsRegistry } from "./registry.ts";

describe("metrics registry", () => {
  it("counts per route, target, status class and cache status in Prometheus text", () => {
    const registry = createMetricsRegistry({
      targetStates: () => [
        {
          targetId: "t1",
          poolId: "p1",
          url: "http://127.0.0.1:1",
          state: "up",
          since: 0,
          inFlight: 0,
          ewmaMs: 1,
          openConnections: 2,
          connectionsOpened: 3,
          requests: 9,
        },
      ],
    });
    const series = registry.routeSeries("r1", "p1", ["t1"]);
    registry.record(series, { targetId: "t1", status: 200, cacheOutcome: "miss", durationMs: 3, upstreamMs: 2, bytesOut: 10 });
    registry.record(series, { targetId: "t1", status: 204, cacheOutcome: "miss", durationMs: 1, upstreamMs: 1, bytesOut: 0 });
    registry.record(series, { targetId: "", status: 200, cacheOutcome: "hit", durationMs: 0.1, upstreamMs: 0, bytesOut: 5 });
    registry.record(registry.unrouted, { targetId: "", status: 404, cacheOutcome: "none", durationMs: 0.1, upstreamMs: 0, bytesOut: 1 });

    const text = registry.toPrometheus();
    expect(text).toContain('concierge_requests_total{route="r1",pool="p1",target="t1",status_class="2xx",cache_status="miss"} 2');
    expect(text).toContain('concierge_requests_total{route="r1",pool="p1",target="",status_class="2xx",cache_status="hit"} 1');
    expect(text).toContain('concierge_requests_total{route="",pool="",target="",status_class="4xx",cache_status="none"} 1');
    expect(text).toContain('concierge_request_duration_seconds_count{route="r1",pool="p1"} 3');
    expect(text).toContain('concierge_upstream_connections{pool="p1",target="t1"} 2');
    expect(text).toMatch(/concierge_request_duration_seconds_bucket\{route="r1",pool="p1",le="\+Inf"\} 3/);
  });

  it("keeps a route's counters across revisions", () => {
    const registry = createMetricsRegistry({ targetStates: () => [] });
    const first = registry.routeSeries("r", "p", ["t"]);
    registry.record(first, { targetId: "t", status: 500, cacheOutcome: "none", durationMs: 1, upstreamMs: 1, bytesOut: 0 });
    expect(registry.routeSeries("r", "p", ["t", "u"])).toBe(first);
    expect(first.targets.get("t")?.requests.reduce((a, b) => a + b)).toBe(1);
  });

  it("uses doubling bucket bounds that every worker shares", () => {
    expect(LATENCY_BUCKET_BOUNDS_SECONDS[0]).toBe(0.00025);
    for (let index = 1; index < LATENCY_BUCKET_BOUNDS_SECONDS.length; index++) {
      expect(LATENCY_BUCKET_BOUNDS_SECONDS[index]).toBe((LATENCY_BUCKET_BOUNDS_SECONDS[index - 1] ?? 0) * 2);
    }
  });

  it("exposes bytes read, bytes saved, coalesced requests and origin time saved", () => {
    const registry = createMetricsRegistry({ targetStates: () => [] });
    const series = registry.routeSeries("r", "p", ["t"]);
    registry.record(series, { targetId: "t", status: 200, cacheOutcome: "miss", durationMs: 5, upstreamMs: 4, bytesOut: 9, bytesIn: 3 });
    registry.record(series, { targetId: "", status: 200, cacheOutcome: "hit", durationMs: 1, upstreamMs: 0, bytesOut: 9, coalesced: true });
    const text = registry.toPrometheus();
    expect(text).toContain('concierge_request_bytes_total{route="r",pool="p",target="t"} 3');
    expect(text).toContain('concierge_cache_bytes_saved_total{route="r",pool="p",target=""} 9');
    expect(text).toContain('concierge_coalesced_requests_total{route="r",pool="p",target=""} 1');
    expect(text).toContain('concierge_origin_time_saved_seconds_total{route="r",pool="p",target=""} 0.004');
  });

  it("counts failures by cause: the proxy's own errors by code, other 5xx as the origin's, refusals not at all", () => {
    const registry = createMetricsRegistry({ targetStates: () => [] });
    const series = registry.routeSeries("r", "p", ["t"]);
    const base = { targetId: "t", cacheOutcome: "none", durationMs: 1, upstreamMs: 0, bytesOut: 0 } as const;
    registry.record(series, { ...base, status: 502, error: new ProxyError("UPSTREAM_CONNECT_FAILED", "upstream") });
    registry.record(series, { ...base, status: 504, error: new ProxyError("UPSTREAM_TIMEOUT", "upstream") });
    registry.record(series, { ...base, status: 503 });
    registry.record(series, { ...base, status: 499, error: new ProxyError("CLIENT_ABORTED", "client") });
    registry.record(series, { ...base, status: 413, error: new ProxyError("BODY_TOO_LARGE", "client") });
    const errors = registry
      .toPrometheus()
      .split("\n")
      .filter((line) => line.startsWith("concierge_errors_total{"));
    expect(errors.toSorted()).toEqual([
      'concierge_errors_total{route="r",pool="p",target="t",cause="client_aborted"} 1',
      'concierge_errors_total{route="r",pool="p",target="t",cause="connect_failed"} 1',
      'concierge_errors_total{route="r",pool="p",target="t",cause="origin_5xx"} 1',
      'concierge_errors_total{route="r",pool="p",target="t",cause="timeout"} 1',
    ]);
  });

  it("samples slow and failed requests up to the per-second share of each kind, and nothing else", () => {
    const perSecond = 3;
    const registry = createMetricsRegistry({ targetStates: () => [], slowRequestMs: 100, samplesPerSecond: perSecond });
    const series = registry.routeSeries("r", "p", ["t"]);
    const request = { targetId: "t", cacheOutcome: "miss", upstreamMs: 1, bytesOut: 0, method: "GET", host: "a.test", path: "/x" } as const;
    for (let index = 0; index < 50; index++) {
      registry.record(series, { ...request, status: 200, durationMs: 5 });
      registry.record(series, { ...request, status: 200, durationMs: 150 });
      registry.record(series, { ...request, status: 502, durationMs: 5, error: new ProxyError("UPSTREAM_RESET", "upstream") });
    }
    const samples = registry.takeSamples();
    const slow = samples.filter((sample) => sample.cause === null);
    const failed = samples.filter((sample) => sample.cause !== null);
    // The loop may straddle one second boundary: at most two seconds' shares.
    expect(slow.length).toBeGreaterThanOrEqual(perSecond);
    expect(slow.length).toBeLessThanOrEqual(2 * perSecond);
    expect(failed.length).toBeGreaterThanOrEqual(perSecond);
    expect(failed.length).toBeLessThanOrEqual(2 * perSecond);
    expect(slow[0]).toMatchObject({ routeId: "r", poolId: "p", targetId: "t", path: "/x", status: 200, slow: true, totalMs: 150 });
    expect(failed[0]).toMatchObject({ status: 502, cause: "reset", slow: false });
    expect(registry.takeSamples()).toEqual([]);
  });

  it("escapes label values", () => {
    const registry = createMetricsRegistry({ targetStates: () => [] });
    const series = registry.routeSeries('a"b\\c', "p", []);
    registry.record(series, { targetId: "", status: 200, cacheOutcome: "none", durationMs: 1, upstreamMs: 0, bytesOut: 0 });
    expect(registry.toPrometheus()).toContain('route="a\\"b\\\\c"');
  });
});
