import { MetricsDeltaSchema } from "@concierge/config/realtime";
import { describe, expect, it } from "vitest";

import { ProxyError } from "../errors.ts";
import { createIntervalReader } from "./interval-reader.ts";
import { toMetricsDelta } from "./live-publisher.ts";
import { createIntervalCollector } from "./merge-intervals.ts";
import { createMetricsRegistry, type RequestRecord } from "./registry.ts";

function worker() {
  const registry = createMetricsRegistry({ targetStates: () => [] });
  const reader = createIntervalReader({
    registry,
    targetStates: () => [],
    config: { current: () => undefined },
  });
  return { registry, reader };
}

function answered(status: number, error?: ProxyError): RequestRecord {
  return { targetId: "t1", status, cacheOutcome: "none", durationMs: 1, upstreamMs: 0, bytesOut: 0, error };
}

const connectFailed = () => new ProxyError("UPSTREAM_CONNECT_FAILED", "upstream");

describe("the live delta's failures by cause", () => {
  it("sums causes over the node's routes and workers, leaving out causes with none", () => {
    const [first, second] = [worker(), worker()];
    const shop = first.registry.routeSeries("shop", "p1", ["t1"]);
    const api = first.registry.routeSeries("api", "p2", ["t1"]);
    first.registry.record(shop, answered(502, connectFailed()));
    first.registry.record(api, answered(502, connectFailed()));
    first.registry.record(api, answered(503));
    first.registry.record(shop, answered(200));
    const secondShop = second.registry.routeSeries("shop", "p1", ["t1"]);
    second.registry.record(secondShop, answered(502, connectFailed()));
    second.registry.record(secondShop, answered(504, new ProxyError("UPSTREAM_TIMEOUT", "upstream")));
    second.registry.record(secondShop, answered(499, new ProxyError("CLIENT_ABORTED", "client")));

    const collector = createIntervalCollector();
    collector.add(1, first.reader.take());
    collector.add(2, second.reader.take());
    const drained = collector.drain();
    const delta = toMetricsDelta(drained!.interval, { intervalMs: 1_000, workers: drained!.workers });

    expect(delta.errorCauses).toEqual({
      connect_failed: 3,
      origin_5xx: 1,
      timeout: 1,
      client_aborted: 1,
    });
    // The client who left is a cause, yet not a 5xx answer.
    expect(delta.routes.reduce((sum, route) => sum + route.counters.errors, 0)).toBe(5);
    expect(MetricsDeltaSchema.parse(delta).errorCauses).toEqual(delta.errorCauses);
  });

  it("sends no causes for a second without failures", () => {
    const { registry, reader } = worker();
    registry.record(registry.routeSeries("shop", "p1", ["t1"]), answered(200));
    expect(toMetricsDelta(reader.take(), { intervalMs: 1_000, workers: 1 }).errorCauses).toEqual({});
    expect(toMetricsDelta(reader.take(), { intervalMs: 1_000, workers: 1 }).errorCauses).toEqual({});
  });
});
