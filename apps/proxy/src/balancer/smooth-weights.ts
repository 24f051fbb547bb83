import type { BalancerTarget } from "./balancer.ts";

/**
 * nginx's smooth weighted round robin: every pick adds each candidate's weight to its current
 * weight, takes the highest, and subtracts the candidates' total from the winner. Over any
 * window of Σweight picks each target gets exactly its share, interleaved rather than in bursts.
 * Current weights are kept by target id, so they survive health changes of the eligible list.
 */
export class SmoothWeights {
  readonly #current = new Map<string, number>();

  pick<T extends BalancerTarget>(
    eligible: readonly T[],
    tried: ReadonlySet<T> | undefined,
    isCandidate?: (target: T) => boolean,
  ): T | undefined {
    let best: T | undefined;
    let bestCurrent = Number.NEGATIVE_INFINITY;
    let total = 0;
    for (const target of eligible) {
      if (tried?.has(target) || (isCandidate && !isCandidate(target))) continue;
      const current = (this.#current.get(target.id) ?? 0) + target.weight;
      this.#current.set(target.id, current);
      total += target.weight;
      if (current > bestCurrent) {
        best = target;
        bestCurrent = current;
      }
    }
    if (best) this.#current.set(best.id, bestCurrent - total);
    return best;
  }

  /** The target `pick` would choose, leaving the current weights as they are. */
  peek<T extends BalancerTarget>(eligible: readonly T[], isCandidate?: (target: T) => boolean): T | undefined {
    let best: T | undefined;
    let bestCurrent = Number.NEGATIVE_INFINITY;
    for (const target of eligible) {
      if (isCandidate && !isCandidate(target)) continue;
      const current = (this.#current.get(target.id) ?? 0) + target.weight;
      if (current > bestCurrent) {
        best = target;
        bestCurrent = current;
      }
    }
    return best;
  }
}
