import { CELL, CELL_WIDTH } from "../../../src/metrics/cells.ts";
import type { TrafficInterval } from "../../../src/metrics/interval-reader.ts";

/** A worker's interval of `requests` answered requests of route "r", pool "p", target "t", taken at `at`. */
export function trafficInterval(at: number, requests: number, cell = 0): TrafficInterval {
  const values = new Array<number>(CELL_WIDTH).fill(0);
  values[CELL.requests] = requests;
  return {
    at,
    revision: 1,
    clientConnections: 0,
    inFlight: 0,
    targets: [],
    routeNames: {},
    poolNames: {},
    samples: [],
    cells: [{ routeId: "r", poolId: "p", targetId: "t", cell, values }],
  };
}
