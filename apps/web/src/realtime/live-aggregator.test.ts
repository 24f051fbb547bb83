import { LiveTickSchema, type LiveTick, type MetricsDelta } from "@concierge/config/realtime";
import type { ErrorCauseCounts } from "@concierge/config/traffic";
import { describe, expect, it } from "vitest";

import { ALL_NODES, createLiveAggregator } from "./live-aggregator.ts";

function delta(at: number, errorCauses: ErrorCauseCounts): MetricsDelta {
  return {
    at,
    intervalMs: 1_000,
    workers: 1,
    revision: 1,
    clientConnections: 0,
    inFlight: 0,
    errorCauses,
    routes: [],
    targets: [],
  };
}

function aggregator() {
  const emitted: Array<{ room: string; tick: LiveTick }> = [];
  let now = 1_000_000;
  const live = createLiveAggregator({
    emit: (room, tick) => emitted.push({ room, tick }),
    now: () => (now += 1_000),
  });
  const lastTick = (room: string) => emitted.findLast((entry) => entry.room === room)?.tick;
  return { live, lastTick };
}

describe("failures by cause in live ticks", () => {
  it("gives each node's tick that node's causes", () => {
    const { live, lastTick } = aggregator();
    live.receive("edge-1", delta(1, { connect_failed: 2 }));
    live.receive("edge-2", delta(1, { origin_5xx: 4 }));
    expect(lastTick("edge-1")?.totals.errorCauses).toEqual({ connect_failed: 2 });
    expect(lastTick("edge-2")?.totals.errorCauses).toEqual({ origin_5xx: 4 });
  });

  it("sums every node's deltas since the last all-nodes tick, a departed node's last ones included", () => {
    const { live, lastTick } = aggregator();
    live.receive("edge-1", delta(1, { connect_failed: 2, timeout: 1 }));
    live.receive("edge-1", delta(2, { connect_failed: 1 }));
    live.receive("edge-2", delta(1, { origin_5xx: 4, client_aborted: 1 }));
    live.nodeDisconnected("edge-2");
    live.tickAll();
    const tick = lastTick(ALL_NODES);
    expect(tick?.totals.errorCauses).toEqual({
      connect_failed: 3,
      timeout: 1,
      origin_5xx: 4,
      client_aborted: 1,
    });
    expect(LiveTickSchema.parse(tick).totals.errorCauses).toEqual(tick?.totals.errorCauses);

    // Counted once: the next tick starts over, without the departed node.
    live.receive("edge-1", delta(3, {}));
    live.tickAll();
    expect(lastTick(ALL_NODES)?.totals.errorCauses).toEqual({});
    expect(live.connectedNodes()).toEqual(["edge-1"]);
  });
});
