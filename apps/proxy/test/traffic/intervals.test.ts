import { percentileFromBuckets } from "@concierge/config/realtime";
import { describe, expect, it } from "vitest";

import { CELL } from "../../src/metrics/cells.ts";
import { createIntervalReader } from "../../src/metrics/interval-reader.ts";
import { toMetricsDelta } from "../../src/metrics/live-publisher.ts";
import { createIntervalCollector } from "../../src/metrics/merge-intervals.ts";
import { createMetricsRegistry } from "../../src/metrics/registry.ts";

function setup() {
  const registry = createMetricsRegistry({ targetStates: () => [] });
  const series = registry.routeSeries("r1", "p1", ["t1"]);
  const reader = createIntervalReader({
    registry,
    targetStates: () => [],
    config: { current: () => undefined },
  });
  return { registry, series, reader };
}

describe("traffic intervals", () => {
  it("returns only what changed since the previous take", () => {
    const { registry, series, reader } = setup();
    registry.record(series, {
      targetId: "t1",
      status: 200,
      cacheOutcome: "miss",
      durationMs: 3,
      upstreamMs: 2,
      bytesOut: 10,
      bytesIn: 4,
    });
    const first = reader.take();
    expect(first.cells).toHaveLength(1);
    expect(first.cells[0]?.values[CELL.requests]).toBe(1);
    expect(first.cells[0]?.values[CELL.bytesIn]).toBe(4);
    expect(reader.take().cells).toEqual([]);

    registry.record(series, {
      targetId: "t1",
      status: 200,
      cacheOutcome: "miss",
      durationMs: 3,
      upstreamMs: 2,
      bytesOut: 10,
    });
    registry.record(series, {
      targetId: "",
      status: 200,
      cacheOutcome: "hit",
      durationMs: 0.1,
      upstreamMs: 0,
      bytesOut: 50,
    });
    const second = reader.take();
    expect(second.cells.map((cell) => cell.values[CELL.requests])).toEqual([1, 1]);
    const hit = second.cells.find((cell) => cell.targetId === "");
    expect(hit?.values[CELL.bytesSaved]).toBe(50);
    // A hit saves the route's mean upstream time so far (2 ms).
    expect(hit?.values[CELL.originMsSaved]).toBeCloseTo(2);
  });

  it("sums workers' intervals into one node delta with counters per route and merged latency", () => {
    const workers = [setup(), setup()];
    workers.forEach(({ registry, series }, index) => {
      for (let request = 0; request < 10 * (index + 1); request++) {
        registry.record(series, {
          targetId: "t1",
          status: request === 0 ? 502 : 200,
          cacheOutcome: "miss",
          durationMs: 1,
          upstreamMs: 1,
          bytesOut: 1,
        });
      }
      registry.connectionOpened();
    });
    const collector = createIntervalCollector();
    collector.add(1, workers[0]!.reader.take());
    collector.add(2, workers[1]!.reader.take());
    const drained = collector.drain();
    const delta = toMetricsDelta(drained!.interval, {
      intervalMs: 1_000,
      workers: drained!.workers,
    });
    expect(delta.workers).toBe(2);
    expect(delta.clientConnections).toBe(2);
    expect(delta.routes).toHaveLength(1);
    const [route] = delta.routes;
    expect(route?.counters.requests).toBe(30);
    expect(route?.counters.errors).toBe(2);
    expect(route?.counters.status["2xx"]).toBe(28);
    expect(route?.counters.cacheMisses).toBe(30);
    expect(route?.latency.reduce((a, b) => a + b)).toBe(30);

    // Nothing new: gauges hold, counters are zero.
    const idle = collector.drain();
    expect(idle?.interval.clientConnections).toBe(2);
    expect(idle?.interval.cells).toEqual([]);
  });
});

describe("percentileFromBuckets", () => {
  it("interpolates within the bucket that holds the rank", () => {
    // 100 observations: 50 in (0, 0.25 ms], 50 in (0.25, 0.5 ms].
    const counts = [50, 50, ...new Array<number>(19).fill(0)];
    expect(percentileFromBuckets(counts, 0.5)).toBeCloseTo(0.25);
    expect(percentileFromBuckets(counts, 0.99)).toBeCloseTo(0.495);
    expect(percentileFromBuckets(new Array<number>(21).fill(0), 0.5)).toBe(0);
  });
});
