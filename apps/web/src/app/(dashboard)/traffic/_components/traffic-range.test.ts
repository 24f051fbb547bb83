import { describe, expect, it } from "vitest";

import { readTrafficView, resolveRange, trafficViewSearch } from "./traffic-range.ts";

describe("the traffic view in the URL", () => {
  it("round-trips a preset range and a grouping through search params", () => {
    const view = readTrafficView({ range: "7d", groupBy: "pool" });
    expect(view).toEqual({ range: "7d", groupBy: "pool" });
    const again = readTrafficView(Object.fromEntries(new URLSearchParams(trafficViewSearch(view))));
    expect(again).toEqual(view);
  });

  it("keeps a custom range, and resolves it to exactly those instants", () => {
    const view = readTrafficView({
      from: "2026-01-01T00:00:00.000Z",
      to: "2026-01-02T00:00:00.000Z",
      groupBy: "status",
    });
    expect(view.range).toBe("custom");
    const { from, to } = resolveRange(view, Date.now());
    expect(from.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(to.toISOString()).toBe("2026-01-02T00:00:00.000Z");
  });

  it("falls back to the last hour by route for unknown or backwards values", () => {
    expect(readTrafficView({ range: "2y", groupBy: "colour" })).toEqual({ range: "1h", groupBy: "route" });
    expect(
      readTrafficView({ from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z" }).range,
    ).toBe("1h");
  });

  it("ends a preset range at the given instant", () => {
    const now = Date.parse("2026-03-01T12:00:00Z");
    const { from, to } = resolveRange({ range: "6h", groupBy: "route" }, now);
    expect(to.getTime()).toBe(now);
    expect(now - from.getTime()).toBe(6 * 3600 * 1000);
  });
});
