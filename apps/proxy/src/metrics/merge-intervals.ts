import type { TargetLive } from "@concierge/config/realtime";

import type { CellDelta, TrafficInterval } from "./interval-reader.ts";

/**
 * Gauges (connections, in-flight) of consecutive intervals of one worker: the latest holds.
 * Of several workers at once: they add up, each worker owning a share of the node's traffic.
 */
export type GaugeMerge = "latest" | "sum";

const cellKey = (cell: CellDelta) => `${cell.routeId}\n${cell.targetId}\n${cell.cell}`;
const targetKey = (target: TargetLive) => `${target.poolId}\n${target.targetId}`;

/** Merges intervals into one; counters always add up. `intervals` must not be empty. */
export function mergeIntervals(
  intervals: readonly TrafficInterval[],
  gauges: GaugeMerge,
): TrafficInterval {
  const cells = new Map<string, CellDelta>();
  const targets = new Map<string, TargetLive>();
  const merged: TrafficInterval = {
    at: 0,
    revision: null,
    clientConnections: 0,
    inFlight: 0,
    cells: [],
    targets: [],
    routeNames: {},
    poolNames: {},
    samples: [],
  };

  for (const interval of intervals) {
    merged.at = Math.max(merged.at, interval.at);
    merged.revision = interval.revision ?? merged.revision;
    merged.clientConnections =
      (gauges === "sum" ? merged.clientConnections : 0) + interval.clientConnections;
    merged.inFlight = (gauges === "sum" ? merged.inFlight : 0) + interval.inFlight;
    Object.assign(merged.routeNames, interval.routeNames);
    Object.assign(merged.poolNames, interval.poolNames);
    merged.samples.push(...interval.samples);

    for (const cell of interval.cells) {
      const key = cellKey(cell);
      const into = cells.get(key);
      if (!into) {
        cells.set(key, { ...cell, values: [...cell.values] });
        continue;
      }
      cell.values.forEach(
        (value, index) => (into.values[index] = (into.values[index] ?? 0) + value),
      );
    }

    for (const target of interval.targets) {
      const key = targetKey(target);
      const into = targets.get(key);
      if (!into) {
        targets.set(key, { ...target });
        continue;
      }
      into.newConnections += target.newConnections;
      into.requests += target.requests;
      if (gauges === "sum") {
        into.inFlight += target.inFlight;
        into.openConnections += target.openConnections;
        into.ewmaMs = (into.ewmaMs + target.ewmaMs) / 2;
        // Each worker probes on its own; the node reports the worker that saw the latest change.
        if (target.since > into.since)
          Object.assign(into, {
            state: target.state,
            since: target.since,
            lastProbe: target.lastProbe,
          });
      } else {
        Object.assign(into, {
          ...target,
          newConnections: into.newConnections,
          requests: into.requests,
        });
      }
    }
  }
  merged.cells = [...cells.values()];
  merged.targets = [...targets.values()];
  return merged;
}

/**
 * The primary's inbox of worker intervals: workers report on their own clocks, and the primary
 * drains once a second into one interval for the whole node.
 */
export function createIntervalCollector(): {
  add(worker: number, interval: TrafficInterval): void;
  forget(worker: number): void;
  drain(): { interval: TrafficInterval; workers: number } | null;
} {
  const pending = new Map<number, TrafficInterval[]>();
  const lastGauges = new Map<number, TrafficInterval>();

  return {
    add(worker, interval) {
      // The worker does not know its slot; the primary does.
      for (const sample of interval.samples) sample.worker = worker;
      const queue = pending.get(worker) ?? [];
      queue.push(interval);
      pending.set(worker, queue);
      lastGauges.set(worker, interval);
    },
    forget(worker) {
      lastGauges.delete(worker);
    },
    drain() {
      if (lastGauges.size === 0 && pending.size === 0) return null;
      const perWorker: TrafficInterval[] = [];
      for (const worker of new Set([...pending.keys(), ...lastGauges.keys()])) {
        const queue = pending.get(worker);
        const latest = lastGauges.get(worker);
        if (queue) {
          const merged = mergeIntervals(queue, "latest");
          // A worker that exited since it reported holds no connections any more.
          if (!latest) Object.assign(merged, { clientConnections: 0, inFlight: 0 });
          perWorker.push(merged);
        } else if (latest) {
          // Nothing new from this worker: its gauges still count, its counters are zero.
          perWorker.push({ ...latest, cells: [], targets: zeroed(latest.targets), samples: [] });
        }
      }
      pending.clear();
      if (perWorker.length === 0) return null;
      return { interval: mergeIntervals(perWorker, "sum"), workers: lastGauges.size };
    },
  };
}

function zeroed(targets: readonly TargetLive[]): TargetLive[] {
  return targets.map((target) => ({ ...target, newConnections: 0, requests: 0 }));
}
