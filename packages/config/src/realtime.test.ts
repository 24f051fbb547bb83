import { describe, expect, it } from "vitest";

import { MetricsDeltaSchema, type MetricsDelta } from "./realtime.ts";
import { addErrorCauses } from "./traffic.ts";

const quietDelta: MetricsDelta = {
  at: 1,
  intervalMs: 1_000,
  workers: 1,
  revision: null,
  clientConnections: 0,
  inFlight: 0,
  errorCauses: {},
  routes: [],
  targets: [],
};

describe("failures by cause in the live contract", () => {
  it("takes a delta with some causes or none", () => {
    expect(MetricsDeltaSchema.safeParse(quietDelta).success).toBe(true);
    const failing = { ...quietDelta, errorCauses: { connect_failed: 4, client_aborted: 1 } };
    expect(MetricsDeltaSchema.parse(failing).errorCauses).toEqual({ connect_failed: 4, client_aborted: 1 });
  });

  it("reads a delta without causes, from a node of an earlier release, as one without failures", () => {
    const { errorCauses: _left, ...withoutCauses } = quietDelta;
    expect(MetricsDeltaSchema.parse(withoutCauses).errorCauses).toEqual({});
  });

  it("refuses a delta with an unknown cause or with a negative count", () => {
    expect(MetricsDeltaSchema.safeParse({ ...quietDelta, errorCauses: { gremlins: 1 } }).success).toBe(false);
    expect(MetricsDeltaSchema.safeParse({ ...quietDelta, errorCauses: { timeout: -1 } }).success).toBe(false);
  });

  it("adds causes into a sum, keeping causes one side lacks", () => {
    const sum = addErrorCauses({ origin_5xx: 2 }, { origin_5xx: 1, reset: 3 });
    expect(addErrorCauses(sum, { timeout: 1 })).toEqual({ origin_5xx: 3, reset: 3, timeout: 1 });
  });
});
