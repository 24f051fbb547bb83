import type { Balancer, BalancerTarget } from "./balancer.ts";

/**
 * Power of two random choices: draw two distinct targets (each with probability proportional to
 * its weight) and send to the cheaper one, where cost is the latency average times the queue it
 * would join. Cheap to compute, and it avoids the herd that "always the least loaded" causes
 * when every proxy worker sees the same numbers.
 */
export function createTwoChoices(random: () => number = Math.random): Balancer {
  return {
    strategy: "two_choices",
    pick(eligible, _input, tried) {
      let totalWeight = 0;
      for (const target of eligible) if (!tried?.has(target)) totalWeight += target.weight;
      if (totalWeight === 0) return undefined;

      const first = drawWeighted(eligible, tried, undefined, random() * totalWeight);
      if (!first) return undefined;
      const remaining = totalWeight - first.weight;
      if (remaining === 0) return first;
      const second = drawWeighted(eligible, tried, first, random() * remaining);
      if (!second) return first;
      return costOf(second) < costOf(first) ? second : first;
    },
  };
}

function drawWeighted<T extends BalancerTarget>(
  eligible: readonly T[],
  tried: ReadonlySet<T> | undefined,
  excluded: T | undefined,
  point: number,
): T | undefined {
  let last: T | undefined;
  let reached = 0;
  for (const target of eligible) {
    if (target === excluded || tried?.has(target)) continue;
    reached += target.weight;
    last = target;
    if (point < reached) return target;
  }
  return last; // rounding at the very top of the range
}

function costOf(target: BalancerTarget): number {
  return (target.ewmaMs + 1) * (target.inFlight + 1);
}
