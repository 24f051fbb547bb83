import { describe, expect, it } from "vitest";

import { formatIssues } from "./format-issues.ts";
import { RouteInputSchema } from "./route.ts";

const poolId = "0b6f3c0e-8d53-4c55-a1e4-7f3ab0c6b9a1";
const HASH = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";

function problems(policies: unknown): string[] {
  const parsed = RouteInputSchema.safeParse({ name: "r", hosts: ["a.example"], poolId, policies });
  return parsed.success ? [] : formatIssues(parsed.error.issues);
}

describe("route policies", () => {
  it("default to none, so existing routes stay valid and unchanged", () => {
    const route = RouteInputSchema.parse({ name: "r", hosts: ["a.example"], poolId });
    expect(route.policies).toMatchObject({
      access: { allow: [], deny: [] },
      rateLimit: {},
      httpsRedirect: false,
      maintenance: { enabled: false },
      compression: { enabled: false, minBytes: 1024 },
    });
    expect(route.policies.compression.types).toContain("text/*");
  });

  it.each([
    [{ access: { allow: ["10.0.0.0/8", "2001:db8::/32", "::1", "203.0.113.7"], deny: ["10.1.0.0/16"] } }],
    [{ access: { basicAuth: { users: [{ username: "ada", passwordHash: HASH }] } } }],
    [{ access: { forwardAuth: { url: "http://auth.internal/check", copyHeaders: ["X-User"] } } }],
    [{ rateLimit: { route: { requestsPerSecond: 100, burst: 200 }, client: { requestsPerSecond: 0.5, burst: 5 }, maxConcurrent: 50 } }],
    [{ redirect: { to: "https://new.example$path$query", status: 308 } }],
    [{ rewrite: { pathPrefix: "/v2", host: "backend.internal:8080" }, httpsRedirect: true, hsts: { maxAgeSeconds: 31536000 } }],
    [{ errorPages: { pages: { "404": "<h1>no</h1>", "5xx": "<h1>oops</h1>" }, forOrigin: true } }],
    [{ maintenance: { enabled: true, message: "back soon" } }],
    [{ compression: { enabled: true, types: ["text/*", "application/*+json"] } }],
  ])("accepts %j", (policies) => {
    expect(problems(policies)).toEqual([]);
  });

  it.each([
    [{ access: { allow: ["10.0.0.0/33"] } }, "policies.access.allow[0]: must be an IPv4 or IPv6 address"],
    [{ access: { deny: ["example.com"] } }, "policies.access.deny[0]:"],
    [{ access: { basicAuth: { users: [{ username: "ada", passwordHash: "hunter2" }] } } }, "policies.access.basicAuth.users[0].passwordHash: must be an argon2id hash"],
    [{ access: { basicAuth: { users: [] } } }, "policies.access.basicAuth.users: needs at least one user"],
    [{ access: { forwardAuth: { url: "ftp://x" } } }, "policies.access.forwardAuth.url: must be an http(s) URL"],
    [{ rateLimit: { client: { requestsPerSecond: 0, burst: 1 } } }, "policies.rateLimit.client.requestsPerSecond: must be above 0"],
    [{ redirect: { to: "new.example", status: 301 } }, "policies.redirect.to: must be an absolute http(s) URL"],
    [{ redirect: { to: "/x", status: 303 } }, "policies.redirect.status:"],
    [{ rewrite: { pathPrefix: "v2" } }, 'policies.rewrite.pathPrefix: must start with "/"'],
    [{ errorPages: { pages: { "200": "x" } } }, "policies.errorPages.pages.200:"],
    [{ errorPages: { pages: { "404": "x".repeat(70_000) } } }, "policies.errorPages.pages.404: must be at most 65536 bytes"],
    [{ compression: { types: ["text"] } }, "policies.compression.types[0]: must be a media type"],
    [{ unknown: true }, "policies: Unrecognized key"],
  ])("refuses case %# with a message that says where", (policies, message) => {
    expect(problems(policies).join("\n")).toContain(message);
  });
});
