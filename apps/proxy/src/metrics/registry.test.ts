import { describe, expect, it } from "vitest";

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

  it("escapes label values", () => {
    const registry = createMetricsRegistry({ targetStates: () => [] });
    const series = registry.routeSeries('a"b\\c', "p", []);
    registry.record(series, { targetId: "", status: 200, cacheOutcome: "none", durationMs: 1, upstreamMs: 0, bytesOut: 0 });
    expect(registry.toPrometheus()).toContain('route="a\\"b\\\\c"');
  });
});
