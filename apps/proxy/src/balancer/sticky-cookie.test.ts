import { describe, expect, it } from "vitest";

import type { BalancerTarget } from "./balancer.ts";
import { createStickyCookie } from "./sticky-cookie.ts";

const eligible: BalancerTarget[] = ["a", "b", "c"].map((letter) => ({
  id: `${letter.repeat(8)}-0000-4000-8000-000000000000`,
  weight: 1,
  inFlight: 0,
  ewmaMs: 0,
}));

function cookieFrom(setCookie: string | undefined): string {
  return (setCookie ?? "").split(";")[0] ?? "";
}

describe("sticky cookie", () => {
  const balancer = createStickyCookie({ name: "sticky", ttlSeconds: 60 });

  it("sets an opaque cookie naming the chosen target, and honours it afterwards", () => {
    const fresh = { clientIp: "10.0.0.1", headers: {} };
    const chosen = balancer.pick(eligible, fresh);
    if (!chosen) throw new Error("no target picked");
    const setCookie = balancer.responseHeaders?.(chosen, fresh)?.["set-cookie"];
    expect(setCookie).toMatch(/^sticky=[\w-]{16}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=60$/);
    expect(setCookie).not.toContain(chosen.id);

    const returning = { clientIp: "10.0.0.1", headers: { cookie: `x=1; ${cookieFrom(setCookie)}` } };
    for (let request = 0; request < 20; request++) {
      expect(balancer.pick(eligible, returning)).toBe(chosen);
    }
    expect(balancer.responseHeaders?.(chosen, returning)).toBeUndefined();
  });

  it("moves the client, with a new cookie, once its target is no longer eligible", () => {
    const fresh = { clientIp: "10.0.0.2", headers: {} };
    const chosen = balancer.pick(eligible, fresh);
    if (!chosen) throw new Error("no target picked");
    const cookie = cookieFrom(balancer.responseHeaders?.(chosen, fresh)?.["set-cookie"]);
    const returning = { clientIp: "10.0.0.2", headers: { cookie } };

    const remaining = eligible.filter((target) => target !== chosen);
    const moved = balancer.pick(remaining, returning);
    expect(moved).toBeDefined();
    expect(moved).not.toBe(chosen);
    expect(balancer.responseHeaders?.(moved as BalancerTarget, returning)?.["set-cookie"]).not.toContain(cookie);
  });
});
