/**
 * Balancer: picks one target from a pool's eligible targets (healthy, not ejected, not
 * draining, weight above 0), leaving out those already tried for this request. It never does
 * I/O and never retries; upstream/forward.ts calls it again after a failed attempt.
 * Strategies keep their state per balancer (one per compiled pool) and allocate nothing on
 * the happy path.
 */
import type { IncomingHttpHeaders } from "node:http";

import type { Algorithm, Pool } from "@concierge/config/pool";

import { createConsistentHash } from "./consistent-hash.ts";
import { createLeastConnections } from "./least-connections.ts";
import { createRoundRobin } from "./round-robin.ts";
import { createSmoothWeighted } from "./smooth-weighted.ts";
import { createStickyCookie } from "./sticky-cookie.ts";
import { createTwoChoices } from "./two-choices.ts";

/** What a strategy reads of a target; the live counters belong to upstream/. */
export interface BalancerTarget {
  readonly id: string;
  /** Relative share for weighted strategies; always ≥ 1 here (weight 0 is never eligible). */
  readonly weight: number;
  /** Requests sent and not yet finished (response body included). */
  readonly inFlight: number;
  /** Moving average of the time to response headers; 0 before the first response. */
  readonly ewmaMs: number;
}

/** The request facts a strategy may key on. `ForwardRequest` satisfies it as is. */
export interface PickInput {
  readonly clientIp: string;
  readonly headers: IncomingHttpHeaders;
}

export interface Balancer {
  readonly strategy: Algorithm;
  pick<T extends BalancerTarget>(
    eligible: readonly T[],
    input: PickInput,
    tried?: ReadonlySet<T>,
  ): T | undefined;
  /** The target `pick` would choose now, without taking a turn; absent where the choice is random. */
  peek?<T extends BalancerTarget>(eligible: readonly T[], input: PickInput): T | undefined;
  /** Response headers to add once `target` answered, e.g. the sticky cookie. */
  responseHeaders?(target: BalancerTarget, input: PickInput): Record<string, string> | undefined;
}

export function createBalancer(
  pool: Pick<Pool, "algorithm" | "hashKey" | "stickyCookie">,
): Balancer {
  switch (pool.algorithm) {
    case "round_robin":
      return createRoundRobin();
    case "weighted_round_robin":
      return createSmoothWeighted();
    case "least_connections":
      return createLeastConnections();
    case "two_choices":
      return createTwoChoices();
    case "consistent_hash":
      return createConsistentHash(pool.hashKey);
    case "sticky_cookie":
      return createStickyCookie(pool.stickyCookie);
  }
}
