import type { TargetLive } from "@concierge/config/realtime";

import type { TargetStatus } from "../upstream/upstreams.ts";
import { CELL_WIDTH } from "./cells.ts";
import type { MetricsRegistry, TargetSeries } from "./registry.ts";
import type { CapturedSample } from "./request-samples.ts";

/** One cell's change over an interval; `values` is laid out as in cells.ts. */
export interface CellDelta {
  routeId: string;
  poolId: string;
  targetId: string;
  cell: number;
  values: number[];
}

/**
 * A worker's traffic over one interval: what it sends to the primary once a second, and what
 * the primary sums across workers for the live publisher and the rollup writer.
 */
export interface TrafficInterval {
  /** Epoch ms at the end of the interval. */
  at: number;
  revision: number | null;
  clientConnections: number;
  inFlight: number;
  cells: CellDelta[];
  targets: TargetLive[];
  /** Display names of the routes and pools that appear in `cells`. */
  routeNames: Record<string, string>;
  poolNames: Record<string, string>;
  /** Slow and failed requests of the interval, oldest first per worker. */
  samples: CapturedSample[];
}

interface NameSource {
  current():
    | {
        revision: number;
        routes: ReadonlyArray<{ id: string; name: string }>;
        pools: { get(poolId: string): { name: string } | undefined };
      }
    | undefined;
}

/**
 * Takes intervals from the registry's running totals: each call returns what changed since the
 * previous one. It keeps its own copy of the last totals, so recording stays untouched.
 */
export function createIntervalReader(options: {
  registry: MetricsRegistry;
  targetStates: () => TargetStatus[];
  config: NameSource;
}): { take(): TrafficInterval } {
  const seen = new Map<TargetSeries, Array<Float64Array | undefined>>();
  const targetTotals = new Map<string, { connectionsOpened: number; requests: number }>();

  function cellDeltas(cells: CellDelta[]): void {
    for (const route of options.registry.allRoutes()) {
      for (const target of [route.noTarget, ...route.targets.values()]) {
        let previous = seen.get(target);
        target.cells.forEach((current, cell) => {
          if (current === undefined) return;
          if (!previous) seen.set(target, (previous = []));
          const before = (previous[cell] ??= new Float64Array(CELL_WIDTH));
          let changed = false;
          const values = new Array<number>(CELL_WIDTH);
          for (let index = 0; index < CELL_WIDTH; index++) {
            const value = (current[index] ?? 0) - (before[index] ?? 0);
            values[index] = value;
            if (value !== 0) changed = true;
          }
          if (!changed) return;
          before.set(current);
          cells.push({
            routeId: target.routeId,
            poolId: target.poolId,
            targetId: target.targetId,
            cell,
            values,
          });
        });
      }
    }
  }

  function targetDeltas(): TargetLive[] {
    return options.targetStates().map((state) => {
      const key = `${state.poolId}\n${state.targetId}`;
      const before = targetTotals.get(key) ?? { connectionsOpened: 0, requests: 0 };
      targetTotals.set(key, {
        connectionsOpened: state.connectionsOpened,
        requests: state.requests,
      });
      return {
        targetId: state.targetId,
        poolId: state.poolId,
        url: state.url,
        state: state.state,
        since: state.since,
        lastProbe: state.lastProbe ?? null,
        inFlight: state.inFlight,
        ewmaMs: state.ewmaMs,
        openConnections: state.openConnections,
        newConnections: Math.max(0, state.connectionsOpened - before.connectionsOpened),
        requests: Math.max(0, state.requests - before.requests),
      };
    });
  }

  return {
    take() {
      const cells: CellDelta[] = [];
      cellDeltas(cells);
      const config = options.config.current();
      const routeNames: Record<string, string> = {};
      const poolNames: Record<string, string> = {};
      if (config) {
        const routeIds = new Set(cells.map((cell) => cell.routeId));
        for (const route of config.routes)
          if (routeIds.has(route.id)) routeNames[route.id] = route.name;
        for (const cell of cells) {
          const pool = config.pools.get(cell.poolId);
          if (pool) poolNames[cell.poolId] = pool.name;
        }
      }
      return {
        at: Date.now(),
        revision: config?.revision ?? null,
        clientConnections: options.registry.clientConnections,
        inFlight: options.registry.inFlight,
        cells,
        targets: targetDeltas(),
        routeNames,
        poolNames,
        samples: options.registry.takeSamples(),
      };
    },
  };
}
