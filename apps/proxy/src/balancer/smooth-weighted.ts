import type { Balancer } from "./balancer.ts";
import { SmoothWeights } from "./smooth-weights.ts";

export function createSmoothWeighted(): Balancer {
  const weights = new SmoothWeights();
  return {
    strategy: "weighted_round_robin",
    pick: (eligible, _input, tried) => weights.pick(eligible, tried),
    peek: (eligible) => weights.peek(eligible),
  };
}
