import { describe, expect, it } from "vitest";

import { formatIssues } from "./format-issues.ts";
import { PoolInputSchema } from "./pool.ts";

const target = { url: "http://127.0.0.1:8081" };

function problems(input: unknown): string[] {
  const parsed = PoolInputSchema.safeParse(input);
  return parsed.success ? [] : formatIssues(parsed.error.issues);
}

describe("PoolInputSchema", () => {
  it("fills defaults for a minimal pool", () => {
    const pool = PoolInputSchema.parse({ name: "shop", targets: [target] });
    expect(pool.algorithm).toBe("round_robin");
    expect(pool.targets[0]).toEqual({ url: target.url, weight: 1, enabled: true, draining: false });
    expect(pool.healthCheck).toMatchObject({ enabled: true, path: "/", intervalMs: 5000 });
    expect(pool.retry).toEqual({ attempts: 2, budgetPercent: 20 });
    expect(pool.hashKey).toEqual({ source: "client_ip" });
  });

  it.each([
    [{ name: "a", targets: [target], algorithm: "weighted_round_robin" }],
    [{ name: "a", targets: [{ url: "https://origin.example:8443/base" }] }],
    [{ name: "a", targets: [target], algorithm: "consistent_hash", hashKey: { source: "header", name: "X-User" } }],
    [{ name: "a", targets: [target], algorithm: "sticky_cookie", stickyCookie: { name: "srv", ttlSeconds: 60 } }],
    [{ name: "a", targets: [target, { url: "http://[::1]:8082", weight: 0, draining: true }] }],
  ])("accepts %j", (input) => {
    expect(problems(input)).toEqual([]);
  });

  it.each([
    [{ name: "a", targets: [] }, "targets: a pool needs at least one target"],
    [{ name: " ", targets: [target] }, "name: must not be empty"],
    [{ name: "a", targets: [{ url: "ftp://x:21" }] }, "targets[0].url: scheme must be http or https, not ftp"],
    [{ name: "a", targets: [{ url: "http://u:p@x:80" }] }, "targets[0].url: must not carry credentials"],
    [{ name: "a", targets: [{ url: "not a url" }] }, "targets[0].url: must be an absolute URL like http://10.0.0.5:8080"],
    [{ name: "a", targets: [{ url: "http://x/?q=1" }] }, "targets[0].url: must not carry a query or fragment"],
    [{ name: "a", targets: [target, { url: "HTTP://127.0.0.1:8081/" }] }, "targets[1].url: duplicates targets[0]"],
    [{ name: "a", targets: [{ url: "http://x", weight: -1 }] }, "targets[0].weight:"],
    [{ name: "a", targets: [target], timeouts: { connectMs: -5 } }, "timeouts.connectMs:"],
    [{ name: "a", targets: [target], algorithm: "random" }, "algorithm:"],
    [{ name: "a", targets: [target], healthCheck: { path: "health" } }, 'healthCheck.path: must start with "/"'],
    [{ name: "a", targets: [target], hashKey: { source: "header", name: "bad header" } }, "hashKey.name: must be a valid header name"],
    [{ name: "a", targets: [target], surprise: true }, "Unrecognized key"],
  ])("refuses %j with a message that says where", (input, message) => {
    expect(problems(input).join("\n")).toContain(message);
  });
});
