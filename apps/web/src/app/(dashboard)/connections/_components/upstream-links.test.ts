import type { LiveTick } from "@concierge/config/realtime";
import { describe, expect, it } from "vitest";

import { upstreamLinks } from "./upstream-links.ts";

type Target = LiveTick["targets"][number];

function target(overrides: Partial<Target>): Target {
  return {
    targetId: "t1",
    poolId: "p1",
    url: "http://127.0.0.1:8001",
    state: "up",
    since: 0,
    lastProbe: null,
    inFlight: 0,
    ewmaMs: 1,
    openConnections: 0,
    newConnections: 0,
    requests: 0,
    nodeId: "n1",
    share: 1,
    ...overrides,
  };
}

function tick(at: number, targets: Target[]): LiveTick {
  return { at, intervalMs: 1000, nodeId: "all", targets } as LiveTick;
}

describe("upstreamLinks", () => {
  it("sums a target over nodes and shows its worst state", () => {
    const [link] = upstreamLinks([
      tick(1000, [
        target({ nodeId: "n1", openConnections: 3, requests: 40 }),
        target({ nodeId: "n2", openConnections: 2, requests: 10, state: "ejected" }),
      ]),
    ]);
    expect(link).toMatchObject({ openConnections: 5, requestsPerSecond: 50, state: "ejected" });
  });

  it("measures reuse as requests per newly opened connection over the recent ticks", () => {
    const links = upstreamLinks([
      tick(1000, [target({ newConnections: 2, requests: 10 })]),
      tick(2000, [target({ newConnections: 0, requests: 90 })]),
    ]);
    expect(links[0]?.requestsPerConnection).toBe(50);
    expect(links[0]?.newConnectionsPerSecond).toBe(0);
  });

  it("has no reuse figure while no connection was opened, and nothing without ticks", () => {
    expect(upstreamLinks([tick(1000, [target({ requests: 5 })])])[0]?.requestsPerConnection).toBeNull();
    expect(upstreamLinks([])).toEqual([]);
  });
});
