import type { HashKey } from "@concierge/config/pool";

import type { Balancer, BalancerTarget, PickInput } from "./balancer.ts";
import { hash32 } from "./hash32.ts";
import { readCookie } from "./read-cookie.ts";

/** Ring points per unit of weight; enough for an even spread at tens of targets. */
const POINTS_PER_WEIGHT = 160;
const MAX_RING_POINTS = 64_000;

interface Ring {
  readonly targets: readonly BalancerTarget[];
  /** Sorted point hashes; `owners[i]` indexes `targets` for `points[i]`. */
  readonly points: Uint32Array;
  readonly owners: Uint16Array;
}

/**
 * A hash ring with virtual nodes (Karger et al.; ketama). A target's points depend on its id
 * only, so adding or removing one target moves about 1/N of the keys and no others. The ring is
 * rebuilt when the eligible list changes (a health change or a reload), never per request.
 * A request without the key (no such header or cookie) hashes its client address instead.
 */
export function createConsistentHash(hashKey: HashKey): Balancer {
  let ring: Ring | undefined;

  const balancer: Balancer = {
    strategy: "consistent_hash",
    pick(eligible, input, tried) {
      if (eligible.length === 0) return undefined;
      if (ring?.targets !== eligible) ring = buildRing(eligible);
      const { points, owners } = ring;
      const start = firstPointAtOrAfter(points, hash32(keyOf(hashKey, input)));
      for (let step = 0; step < points.length; step++) {
        const target = eligible[owners[(start + step) % points.length] ?? 0];
        if (target && !tried?.has(target)) return target;
      }
      return undefined;
    },
    // The ring depends on the eligible list only: picking takes no turn.
    peek: (eligible, input) => balancer.pick(eligible, input),
  };
  return balancer;
}

function keyOf(hashKey: HashKey, input: PickInput): string {
  switch (hashKey.source) {
    case "client_ip":
      return input.clientIp;
    case "header": {
      const value = input.headers[hashKey.name];
      return (Array.isArray(value) ? value[0] : value) ?? input.clientIp;
    }
    case "cookie":
      return readCookie(input.headers.cookie, hashKey.name) ?? input.clientIp;
  }
}

function buildRing(targets: readonly BalancerTarget[]): Ring {
  const totalWeight = targets.reduce((sum, target) => sum + target.weight, 0);
  const pointsPerWeight = Math.min(POINTS_PER_WEIGHT, MAX_RING_POINTS / Math.max(totalWeight, 1));
  const entries: { point: number; owner: number }[] = [];
  targets.forEach((target, owner) => {
    const count = Math.max(1, Math.round(target.weight * pointsPerWeight));
    for (let replica = 0; replica < count; replica++) {
      entries.push({ point: hash32(`${target.id}#${replica}`), owner });
    }
  });
  entries.sort((a, b) => a.point - b.point || a.owner - b.owner);
  return {
    targets,
    points: Uint32Array.from(entries, (entry) => entry.point),
    owners: Uint16Array.from(entries, (entry) => entry.owner),
  };
}

function firstPointAtOrAfter(points: Uint32Array, hash: number): number {
  let low = 0;
  let high = points.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((points[middle] ?? 0) < hash) low = middle + 1;
    else high = middle;
  }
  return low === points.length ? 0 : low;
}
