import { describe, expect, it } from "vitest";

import type { BalancerTarget, PickInput } from "./balancer.ts";
import { createConsistentHash } from "./consistent-hash.ts";

const KEYS = 10_000;

function targets(count: number): BalancerTarget[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
    weight: 1,
    inFlight: 0,
    ewmaMs: 0,
  }));
}

function placement(eligible: readonly BalancerTarget[], input: (key: number) => PickInput): string[] {
  const balancer = createConsistentHash({ source: "header", name: "x-user" });
  return Array.from({ length: KEYS }, (_, key) => balancer.pick(eligible, input(key))?.id ?? "none");
}

const byHeader = (key: number): PickInput => ({ clientIp: "10.0.0.1", headers: { "x-user": `user-${key}` } });

describe("consistent hash", () => {
  it.each([3, 5, 9])("moves about 1/(N+1) of %i-target keys when a target is added", (count) => {
    const before = targets(count);
    const after = targets(count + 1);
    const placedBefore = placement(before, byHeader);
    const placedAfter = placement(after, byHeader);
    const newcomer = after[count]?.id;

    let moved = 0;
    for (let key = 0; key < KEYS; key++) {
      if (placedBefore[key] === placedAfter[key]) continue;
      moved++;
      expect(placedAfter[key]).toBe(newcomer); // keys only ever move to the new target
    }
    const expected = KEYS / (count + 1);
    expect(moved).toBeGreaterThan(expected * 0.7);
    expect(moved).toBeLessThan(expected * 1.3);
  });

  it("sends the same key to the same target on every request", () => {
    const eligible = targets(4);
    expect(placement(eligible, byHeader)).toEqual(placement(eligible, byHeader));
  });

  it("keys on a cookie and falls back to the client address without it", () => {
    const eligible = targets(8);
    const balancer = createConsistentHash({ source: "cookie", name: "session" });
    const withCookie = (ip: string): PickInput => ({ clientIp: ip, headers: { cookie: "a=1; session=abc" } });
    const first = balancer.pick(eligible, withCookie("10.0.0.1"));
    for (let host = 2; host < 50; host++) {
      expect(balancer.pick(eligible, withCookie(`10.0.0.${host}`))).toBe(first);
    }
    const byAddress = new Set(
      Array.from({ length: 50 }, (_, host) => balancer.pick(eligible, { clientIp: `10.0.1.${host}`, headers: {} })),
    );
    expect(byAddress.size).toBeGreaterThan(1);
  });
});
