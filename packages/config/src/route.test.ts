import { describe, expect, it } from "vitest";

import { formatIssues } from "./format-issues.ts";
import { RouteInputSchema, routesCollide } from "./route.ts";

const poolId = "0b6f3c0e-8d53-4c55-a1e4-7f3ab0c6b9a1";

function problems(input: unknown): string[] {
  const parsed = RouteInputSchema.safeParse(input);
  return parsed.success ? [] : formatIssues(parsed.error.issues);
}

describe("RouteInputSchema", () => {
  it("lower-cases hosts and fills defaults", () => {
    const route = RouteInputSchema.parse({ name: "shop", hosts: ["Shop.Example.COM"], poolId });
    expect(route.hosts).toEqual(["shop.example.com"]);
    expect(route).toMatchObject({ pathPrefix: "/", methods: null, priority: 0, stripPrefix: false });
    expect(route.cache.enabled).toBe(false);
  });

  it.each([
    [{ name: "any", hosts: ["*"], poolId }],
    [{ name: "wild", hosts: ["*.example.com"], pathPrefix: "/api", poolId }],
    [{ name: "ip", hosts: ["127.0.0.1", "[::1]"], poolId }],
    [{ name: "get", hosts: ["a.example"], methods: ["GET", "HEAD"], priority: 10, poolId }],
    [{ name: "hdr", hosts: ["a.example"], poolId, requestHeaders: { set: { "X-Env": "prod" }, remove: ["Cookie"] } }],
    [{ name: "cache", hosts: ["a.example"], poolId, cache: { enabled: true, keyQuery: { include: ["page"] } } }],
  ])("accepts %j", (input) => {
    expect(problems(input)).toEqual([]);
  });

  it.each([
    [{ name: "r", hosts: ["a.example"], pathPrefix: "api", poolId }, 'pathPrefix: must start with "/"'],
    [{ name: "r", hosts: ["a.example"], pathPrefix: "/a/../b", poolId }, "pathPrefix: must be a normalised path"],
    [{ name: "r", hosts: ["a.example"], pathPrefix: "/%2E%2e/x", poolId }, "pathPrefix: must be a normalised path"],
    [{ name: "r", hosts: [], poolId }, "hosts: needs at least one host"],
    [{ name: "r", hosts: ["bad host"], poolId }, 'hosts[0]: "bad host" is not a host name'],
    [{ name: "r", hosts: ["a.example", "-x.example"], poolId }, "hosts[1]:"],
    [{ name: "r", hosts: ["a.example"], poolId: "nope" }, "poolId: must be the id of a pool"],
    [{ name: "r", hosts: ["a.example"], poolId, methods: ["FETCH"] }, "methods[0]:"],
    [{ name: "r", hosts: ["a.example"], poolId, maxBodyBytes: -1 }, "maxBodyBytes:"],
    [{ name: "r", hosts: ["a.example"], poolId, requestHeaders: { set: { "X-A": "a\nb" } } }, "requestHeaders.set.X-A: must not contain control characters"],
    [{ name: "r", hosts: ["a.example"], poolId, cache: { enabled: true, defaultTtlSeconds: -1 } }, "cache.defaultTtlSeconds:"],
  ])("refuses %j with a message that says where", (input, message) => {
    expect(problems(input).join("\n")).toContain(message);
  });
});

describe("routesCollide", () => {
  const base = { hosts: ["a.example"], pathPrefix: "/api", methods: null, priority: 0 };

  it.each([
    [base, { ...base }, true],
    [base, { ...base, priority: 5 }, true],
    [base, { ...base, hosts: ["b.example", "a.example"] }, true],
    [{ ...base, methods: ["GET" as const] }, { ...base, methods: ["GET" as const, "HEAD" as const] }, true],
    [base, { ...base, hosts: ["b.example"] }, false],
    [base, { ...base, pathPrefix: "/api/v2" }, false],
    [base, { ...base, methods: ["GET" as const] }, false],
    [{ ...base, methods: ["GET" as const] }, { ...base, methods: ["POST" as const] }, false],
    [{ ...base, methods: ["GET" as const] }, { ...base, methods: ["GET" as const, "HEAD" as const], priority: 1 }, false],
  ])("%j vs %j → %s", (a, b, expected) => {
    expect(routesCollide(a, b)).toBe(expected);
  });
});
