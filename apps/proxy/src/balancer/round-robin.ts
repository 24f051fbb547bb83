import type { Balancer } from "./balancer.ts";

/** Each eligible target in turn; weights do not apply. */
export function createRoundRobin(): Balancer {
  let cursor = 0;
  return {
    strategy: "round_robin",
    pick(eligible, _input, tried) {
      const count = eligible.length;
      for (let step = 0; step < count; step++) {
        const index = (cursor + step) % count;
        const target = eligible[index];
        if (target && !tried?.has(target)) {
          cursor = (index + 1) % count;
          return target;
        }
      }
      return undefined;
    },
    peek: (eligible) => eligible[cursor % Math.max(eligible.length, 1)],
  };
}
