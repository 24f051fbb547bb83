import { describe, expect, it } from "vitest";

import { diffSnapshots, diffValues } from "./snapshot-diff.ts";

const pool = { id: "p1", name: "shop", algorithm: "round_robin", targets: [{ id: "t1", url: "http://a", weight: 1 }] };
const route = { id: "r1", name: "store", hosts: ["*"], pathPrefix: "/", poolId: "p1", cache: { enabled: false } };

describe("diffSnapshots", () => {
  it("groups added, removed and changed objects by pool and route, field by field", () => {
    const before = { pools: [pool], routes: [route] };
    const after = {
      pools: [{ ...pool, targets: [{ id: "t1", url: "http://a", weight: 5 }] }],
      routes: [{ ...route, id: "r2", name: "api", hosts: ["api.example.com"] }],
    };
    const diffs = diffSnapshots(before, after);
    expect(diffs.map(({ kind, name, change }) => `${kind} ${name} ${change}`)).toEqual([
      "pool shop changed",
      "route api added",
      "route store removed",
    ]);
    expect(diffs[0]?.fields).toEqual([{ path: "targets[0].weight", before: 1, after: 5 }]);
    expect(diffs[1]?.fields).toContainEqual({ path: "hosts", before: undefined, after: ["api.example.com"] });
  });

  it("finds nothing between equal snapshots", () => {
    expect(diffSnapshots({ pools: [pool], routes: [] }, { pools: [pool], routes: [] })).toEqual([]);
  });
});

describe("diffValues", () => {
  it("lists the fields an audit entry changed", () => {
    expect(diffValues({ role: "viewer" }, { role: "editor" })).toEqual([
      { path: "role", before: "viewer", after: "editor" },
    ]);
  });
});
