import type { Balancer, BalancerTarget } from "./balancer.ts";
import { SmoothWeights } from "./smooth-weights.ts";

/**
 * Fewest in-flight requests per unit of weight (nginx least_conn). Ties, which are the rule on
 * a quiet pool, go through smooth weighted round robin so weights still hold there.
 */
export function createLeastConnections(): Balancer {
  const weights = new SmoothWeights();
  let lowestLoad = 0;
  const hasLowestLoad = (target: BalancerTarget): boolean => loadOf(target) === lowestLoad;

  return {
    strategy: "least_connections",
    pick(eligible, _input, tried) {
      lowestLoad = Number.POSITIVE_INFINITY;
      for (const target of eligible) {
        if (!tried?.has(target)) lowestLoad = Math.min(lowestLoad, loadOf(target));
      }
      if (lowestLoad === Number.POSITIVE_INFINITY) return undefined;
      return weights.pick(eligible, tried, hasLowestLoad);
    },
    peek(eligible) {
      lowestLoad = Math.min(...eligible.map(loadOf));
      return weights.peek(eligible, hasLowestLoad);
    },
  };
}

function loadOf(target: BalancerTarget): number {
  return target.inFlight / target.weight;
}
