import type { Pool } from "@concierge/config/pool";

import { createBalancer, type Balancer } from "../balancer/balancer.ts";
import { ProxyError } from "../errors.ts";
import type { RetryBudget } from "./retry-budget.ts";
import type { TargetRuntime } from "./target-runtime.ts";
import type { CompiledPool } from "./upstreams.ts";

/** Bumped on every target state change of the registry; pools compare it to their cached list. */
export interface HealthEpoch {
  value: number;
}

/**
 * A pool as one config revision compiled it: its targets (shared with other revisions while
 * unchanged), its balancer and retry policy. The eligible list is rebuilt only when some
 * target's state changed since the last request, so a request reads one cached array.
 */
export class UpstreamPool implements CompiledPool {
  readonly id: string;
  readonly name: string;
  readonly targets: readonly TargetRuntime[];
  readonly balancer: Balancer;
  /** Extra attempts after the first. */
  readonly retryAttempts: number;
  readonly budget: RetryBudget;
  readonly #epoch: HealthEpoch;
  #eligible: readonly TargetRuntime[] = [];
  #eligibleEpoch = -1;

  constructor(pool: Pool, targets: readonly TargetRuntime[], budget: RetryBudget, epoch: HealthEpoch) {
    this.id = pool.id;
    this.name = pool.name;
    this.targets = targets;
    this.balancer = createBalancer(pool);
    this.retryAttempts = pool.retry.attempts;
    this.budget = budget;
    this.#epoch = epoch;
  }

  eligible(): readonly TargetRuntime[] {
    if (this.#eligibleEpoch !== this.#epoch.value) {
      const up = this.targets.filter((target) => target.isEligible);
      // Panic mode (Envoy's panic threshold): when passive ejection has taken every target out,
      // the origins' own answers serve clients better than our 503, so the ejected ones are used.
      this.#eligible =
        up.length > 0
          ? up
          : this.targets.filter((target) => target.weight > 0 && target.health.state === "ejected");
      this.#eligibleEpoch = this.#epoch.value;
    }
    return this.#eligible;
  }
}

export function toUpstreamPool(pool: CompiledPool): UpstreamPool {
  if (pool instanceof UpstreamPool) return pool;
  throw new ProxyError("INTERNAL", "proxy", { message: `pool ${pool.id} was not compiled by upstreams` });
}
