import type { LiveTick } from "@concierge/config/realtime";
import type { ErrorCauseCounts } from "@concierge/config/traffic";
import { describe, expect, it } from "vitest";

import { recentErrorCauses } from "./overview-failure-causes.tsx";

function tick(at: number, errorCauses: ErrorCauseCounts): LiveTick {
  return { at, totals: { errorCauses } } as LiveTick;
}

describe("recentErrorCauses", () => {
  it("sums the ticks of the span up to the newest one, leaving older ticks out", () => {
    const ticks = [
      tick(1_000, { timeout: 7 }),
      tick(61_000, { connect_failed: 1 }),
      tick(62_000, { connect_failed: 2, origin_5xx: 1 }),
      tick(121_000, { origin_5xx: 3 }),
    ];
    expect(recentErrorCauses(ticks, 60_000)).toEqual({ connect_failed: 2, origin_5xx: 4 });
    expect(recentErrorCauses(ticks.slice(0, 3), 60_000)).toEqual({ connect_failed: 3, origin_5xx: 1 });
  });

  it("has no causes without ticks", () => {
    expect(recentErrorCauses([], 60_000)).toEqual({});
  });
});
