import { describe, expect, it } from "vitest";

import type { Algorithm } from "@concierge/config/pool";

import { createBalancer, type Balancer, type BalancerTarget, type PickInput } from "./balancer.ts";

interface TestTarget extends BalancerTarget {
  id: string;
  weight: number;
  inFlight: number;
  ewmaMs: number;
}

function targets(weights: readonly number[]): TestTarget[] {
  return weights.map((weight, index) => ({ id: `target-${index}`, weight, inFlight: 0, ewmaMs: 0 }));
}

function inputFor(request: number): PickInput {
  return { clientIp: `10.${request >> 16}.${(request >> 8) & 255}.${request & 255}`, headers: {} };
}

function shares(balancer: Balancer, eligible: readonly TestTarget[], picks: number): number[] {
  const counts = new Map<TestTarget, number>();
  for (let request = 0; request < picks; request++) {
    const target = balancer.pick(eligible, inputFor(request));
    if (target) counts.set(target, (counts.get(target) ?? 0) + 1);
  }
  return eligible.map((target) => (counts.get(target) ?? 0) / picks);
}

const strategies: readonly { algorithm: Algorithm; weighted: boolean; tolerance: number }[] = [
  { algorithm: "round_robin", weighted: false, tolerance: 0.001 },
  { algorithm: "weighted_round_robin", weighted: true, tolerance: 0.001 },
  { algorithm: "least_connections", weighted: true, tolerance: 0.001 },
  { algorithm: "two_choices", weighted: true, tolerance: 0.03 },
  { algorithm: "consistent_hash", weighted: true, tolerance: 0.05 },
  { algorithm: "sticky_cookie", weighted: true, tolerance: 0.001 },
];

describe.each(strategies)("$algorithm", ({ algorithm, weighted, tolerance }) => {
  const create = () =>
    createBalancer({
      algorithm,
      hashKey: { source: "client_ip" },
      stickyCookie: { name: "sticky", ttlSeconds: 0 },
    });

  it("reports its strategy", () => {
    expect(create().strategy).toBe(algorithm);
  });

  it("picks only from the eligible targets", () => {
    const all = targets([1, 1, 1, 1, 1]);
    const eligible = [all[1], all[3], all[4]] as TestTarget[];
    const balancer = create();
    for (let request = 0; request < 500; request++) {
      expect(eligible).toContain(balancer.pick(eligible, inputFor(request)));
    }
  });

  it("never returns a target already tried, and undefined once every target was tried", () => {
    const eligible = targets([1, 2, 3, 1]);
    const balancer = create();
    for (let request = 0; request < 50; request++) {
      const tried = new Set<TestTarget>();
      for (let attempt = 0; attempt < eligible.length; attempt++) {
        const target = balancer.pick(eligible, inputFor(request), tried);
        expect(target).toBeDefined();
        expect(tried.has(target as TestTarget)).toBe(false);
        tried.add(target as TestTarget);
      }
      expect(balancer.pick(eligible, inputFor(request), tried)).toBeUndefined();
    }
  });

  it("returns undefined when nothing is eligible", () => {
    expect(create().pick([], inputFor(1))).toBeUndefined();
  });

  it(weighted ? "sends traffic in proportion to weight" : "sends equal traffic whatever the weights", () => {
    const weights = [1, 2, 5];
    const expected = weighted ? weights.map((weight) => weight / 8) : [1 / 3, 1 / 3, 1 / 3];
    const observed = shares(create(), targets(weights), 24_000);
    observed.forEach((share, index) => {
      expect(Math.abs(share - (expected[index] ?? 0))).toBeLessThanOrEqual(tolerance);
    });
  });
});
