import { describe, expect, it } from "vitest";

import { formatBytes, formatMs, formatPercent } from "./format.ts";
import { cacheHitRatio, errorRatio, orGap, perSecond } from "./traffic-ratios.ts";

describe("traffic ratios", () => {
  it("counts fresh and stale answers as hits, and bypassed requests as no lookup", () => {
    expect(cacheHitRatio({ cacheHits: 3, cacheStale: 1, cacheMisses: 4 })).toBe(0.5);
    expect(cacheHitRatio({ cacheHits: 0, cacheStale: 0, cacheMisses: 0 })).toBeNaN();
    expect(orGap(cacheHitRatio({ cacheHits: 0, cacheStale: 0, cacheMisses: 0 }))).toBeNull();
  });

  it("reports errors as a share of requests, and scales counts to a second", () => {
    expect(errorRatio({ requests: 200, errors: 5 })).toBe(0.025);
    expect(errorRatio({ requests: 0, errors: 0 })).toBe(0);
    expect(perSecond(50, 500)).toBe(100);
  });

  it("formats for people", () => {
    expect(formatPercent(0.025)).toBe("2.5%");
    expect(formatPercent(Number.NaN)).toBe("–");
    expect(formatBytes(1_500_000)).toBe("1.5 MB");
    expect(formatMs(1_250)).toBe("1.3 s");
    expect(formatMs(4.25)).toBe("4.3 ms");
  });
});
