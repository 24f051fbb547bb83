import { DEFAULT_CACHE_RULE } from "@concierge/config/cache-rule";
import { DEFAULT_ROUTE_POLICIES } from "@concierge/config/route-policies";
import { describe, expect, it } from "vitest";

import type { CompiledRoute } from "../config/compile-config.ts";
import { ProxyError } from "../errors.ts";
import { createMetricsRegistry } from "../metrics/registry.ts";
import { compilePolicies } from "../policy/compile-policies.ts";
import { canonicalPrefix, compileRouter } from "./compile-router.ts";
import { matchRoute } from "./match-route.ts";
import { upstreamPath } from "./upstream-path.ts";

const metrics = createMetricsRegistry({ targetStates: () => [] });

function route(
  id: string,
  hosts: string[],
  pathPrefix: string,
  extra: { methods?: string[]; priority?: number; stripPrefix?: boolean } = {},
): CompiledRoute {
  return {
    id,
    name: id,
    hosts,
    pathPrefix: canonicalPrefix(pathPrefix),
    methods: extra.methods ? new Set(extra.methods) : null,
    priority: extra.priority ?? 0,
    stripPrefix: extra.stripPrefix ?? false,
    maxBodyBytes: 1024,
    pool: { id: "pool", name: "pool" },
    requestHeaders: { set: [], remove: [] },
    responseHeaders: { set: [], remove: [] },
    cache: DEFAULT_CACHE_RULE,
    policies: compilePolicies(DEFAULT_ROUTE_POLICIES, 1),
    metrics: metrics.routeSeries(id, "pool", []),
    servesDashboard: false,
  };
}

const router = compileRouter([
  route("any-root", ["*"], "/"),
  route("any-api", ["*"], "/api"),
  route("wild", ["*.example.com"], "/"),
  route("wild-deep", ["*.eu.example.com"], "/"),
  route("exact", ["shop.example.com"], "/"),
  route("exact-api", ["shop.example.com"], "/api/"),
  route("exact-api-v2", ["shop.example.com"], "/api/v2"),
  route("exact-api-post", ["shop.example.com"], "/api", { methods: ["POST"] }),
  route("exact-api-high", ["shop.example.com"], "/api", { methods: ["PUT"], priority: 5 }),
  route("exact-only-get", ["get.example.org"], "/", { methods: ["GET", "HEAD"] }),
]);

function idOf(host: string, path: string, method = "GET"): string {
  return matchRoute(router, host, path, method).id;
}

describe("matchRoute", () => {
  it("prefers the exact host, then the most specific wildcard, then *", () => {
    expect(idOf("shop.example.com", "/x")).toBe("exact");
    expect(idOf("a.eu.example.com", "/x")).toBe("wild-deep");
    expect(idOf("a.b.example.com", "/x")).toBe("wild");
    expect(idOf("example.com", "/x")).toBe("any-root");
    expect(idOf("other.test", "/x")).toBe("any-root");
  });

  it("takes the longest prefix, segment-wise", () => {
    expect(idOf("shop.example.com", "/api")).toBe("exact-api");
    expect(idOf("shop.example.com", "/api/")).toBe("exact-api");
    expect(idOf("shop.example.com", "/api/v2/items")).toBe("exact-api-v2");
    expect(idOf("shop.example.com", "/api/v20")).toBe("exact-api");
    expect(idOf("shop.example.com", "/apix")).toBe("exact");
  });

  it("orders candidates by priority, then method-restricted before unrestricted", () => {
    expect(idOf("shop.example.com", "/api/x", "PUT")).toBe("exact-api-high");
    expect(idOf("shop.example.com", "/api/x", "POST")).toBe("exact-api-post");
    expect(idOf("shop.example.com", "/api/x", "DELETE")).toBe("exact-api");
  });

  it("falls through to a less specific host when no route of the host takes the method", () => {
    expect(idOf("get.example.org", "/api/x", "GET")).toBe("exact-only-get");
    expect(idOf("get.example.org", "/api/x", "DELETE")).toBe("any-api");
  });

  it("answers NO_ROUTE when nothing matches", () => {
    const narrow = compileRouter([route("only", ["a.test"], "/x")]);
    expect(() => matchRoute(narrow, "a.test", "/y", "GET")).toThrow(ProxyError);
    expect(() => matchRoute(narrow, "b.test", "/x", "GET")).toThrow(/NO_ROUTE/);
  });
});

describe("upstreamPath", () => {
  it("strips the prefix only when asked, keeping the query", () => {
    const stripping = route("s", ["*"], "/api", { stripPrefix: true });
    expect(upstreamPath(stripping, "/api/items", "a=1")).toBe("/items?a=1");
    expect(upstreamPath(stripping, "/api", "")).toBe("/");
    expect(upstreamPath(route("k", ["*"], "/api"), "/api/items", "")).toBe("/api/items");
  });
});
