import { describe, expect, it } from "vitest";

import { formatIssues } from "./format-issues.ts";
import { PoolSchema } from "./pool.ts";
import { RouteSchema } from "./route.ts";
import { ConfigSnapshotSchema, EMPTY_SNAPSHOT } from "./snapshot.ts";

const poolId = "0b6f3c0e-8d53-4c55-a1e4-7f3ab0c6b9a1";
const pool = PoolSchema.parse({
  id: poolId,
  name: "shop",
  targets: [{ id: "7d3c1f1e-5b1a-4a51-9d7e-2f0c7e3b9a10", url: "http://127.0.0.1:8081" }],
});
const route = (id: string, overrides: object = {}) =>
  RouteSchema.parse({ id, name: `r-${id.slice(0, 4)}`, hosts: ["a.example"], poolId, ...overrides });

function problems(input: unknown): string[] {
  const parsed = ConfigSnapshotSchema.safeParse(input);
  return parsed.success ? [] : formatIssues(parsed.error.issues);
}

describe("ConfigSnapshotSchema", () => {
  it("accepts the empty configuration of a fresh install", () => {
    expect(problems(EMPTY_SNAPSHOT)).toEqual([]);
  });

  it("accepts routes that point at existing pools", () => {
    const snapshot = {
      pools: [pool],
      routes: [route("11111111-1111-4111-8111-111111111111"), route("22222222-2222-4222-8222-222222222222", { pathPrefix: "/x" })],
    };
    expect(problems(snapshot)).toEqual([]);
  });

  it("refuses a route whose pool does not exist", () => {
    const dangling = { ...route("11111111-1111-4111-8111-111111111111"), poolId: "33333333-3333-4333-8333-333333333333" };
    expect(problems({ pools: [pool], routes: [dangling] })).toEqual([
      "routes[0].poolId: no pool has id 33333333-3333-4333-8333-333333333333",
    ]);
  });

  it("refuses duplicate routes and names the earlier one", () => {
    const first = route("11111111-1111-4111-8111-111111111111");
    const second = route("22222222-2222-4222-8222-222222222222");
    expect(problems({ pools: [pool], routes: [first, second] })).toEqual([
      `routes[1]: duplicates routes[0] ("${first.name}"): same hosts, path prefix and methods`,
    ]);
  });

  it("reports nested problems with their full path", () => {
    const broken = { ...route("11111111-1111-4111-8111-111111111111"), pathPrefix: "nope" };
    expect(problems({ pools: [pool], routes: [broken] })).toContain('routes[0].pathPrefix: must start with "/"');
  });
});
