import { LIVE_HISTORY_MS, type LiveTick } from "@concierge/config/realtime";
import { describe, expect, it } from "vitest";

import { mergeTick } from "./use-live-overview.ts";

function tick(at: number): LiveTick {
  return { at, nodeId: "all" } as LiveTick;
}

describe("mergeTick", () => {
  it("appends a newer tick and keeps the order", () => {
    const merged = mergeTick(mergeTick(undefined, tick(1_000)), tick(2_000));
    expect(merged.ticks.map((kept) => kept.at)).toEqual([1_000, 2_000]);
  });

  it("ignores a tick that is not newer than the last one (a replay after the seed)", () => {
    const seeded = { nodeId: "all", ticks: [tick(1_000), tick(2_000)] };
    expect(mergeTick(seeded, tick(2_000))).toBe(seeded);
    expect(mergeTick(seeded, tick(1_500)).ticks).toHaveLength(2);
  });

  it("drops ticks older than the kept history and leaves the previous value untouched", () => {
    const seeded = { nodeId: "all", ticks: [tick(0), tick(1_000), tick(LIVE_HISTORY_MS)] };
    const merged = mergeTick(seeded, tick(LIVE_HISTORY_MS + 1_000));
    expect(merged.ticks.map((kept) => kept.at)).toEqual([LIVE_HISTORY_MS, LIVE_HISTORY_MS + 1_000]);
    expect(seeded.ticks).toHaveLength(3);
  });
});
