/**
 * The registry of targets across config revisions. `compile()` runs once per revision: targets
 * whose connection settings did not change keep their undici Pool, warm connections, health and
 * counters; new ones start eligible with probes; removed ones stop taking requests and close
 * after their in-flight ones. Nothing here runs per request.
 */
import type { Pool } from "@concierge/config/pool";

import type { TargetStateName } from "../health/target-health.ts";
import type { Logger } from "../logger.ts";
import { RetryBudget } from "./retry-budget.ts";
import { connectionKeyOf, TargetRuntime } from "./target-runtime.ts";
import { UpstreamPool, type HealthEpoch } from "./upstream-pool.ts";

export interface TargetStatus {
  targetId: string;
  poolId: string;
  url: string;
  state: TargetStateName;
  since: number;
  lastProbe?: { ok: boolean; at: number; detail?: string };
  inFlight: number;
  ewmaMs: number;
  openConnections: number;
  connectionsOpened: number;
  requests: number;
}

export interface CompiledPool {
  readonly id: string;
  readonly name: string;
}

export interface PoolSet {
  get(poolId: string): CompiledPool | undefined;
}

export interface Upstreams {
  /** Called once per config revision (never per request). */
  compile(pools: readonly Pool[]): PoolSet;
  targetStates(): TargetStatus[];
  close(): Promise<void>;
}

export function createUpstreams(options: { log: Logger }): Upstreams {
  const log = options.log.child({ component: "upstream" });
  const targets = new Map<string, TargetRuntime>();
  const budgets = new Map<string, RetryBudget>();
  const epoch: HealthEpoch = { value: 0 };

  function onStateChange(target: TargetRuntime, previous: TargetStateName): void {
    epoch.value++;
    const { state, lastProbe } = target.health;
    const fields = { poolId: target.poolId, targetId: target.id, state, previous, probe: lastProbe?.detail };
    if (state === "down" || state === "ejected") log.warn(fields, "target left rotation");
    else log.info(fields, "target state changed");
  }

  function retire(key: string, target: TargetRuntime): void {
    targets.delete(key);
    target.retire().catch((error: unknown) => log.error({ err: error, targetId: target.id }, "target close failed"));
  }

  return {
    compile(pools) {
      const compiled = new Map<string, UpstreamPool>();
      const kept = new Set<string>();
      for (const pool of pools) {
        let budget = budgets.get(pool.id);
        if (budget) budget.configure(pool.retry.budgetPercent);
        else budgets.set(pool.id, (budget = new RetryBudget(pool.retry.budgetPercent)));

        const runtimes = pool.targets.map((target) => {
          const key = `${pool.id}/${target.id}`;
          kept.add(key);
          const existing = targets.get(key);
          if (existing && existing.connectionKey === connectionKeyOf(target, pool)) {
            existing.configure(target, pool);
            return existing;
          }
          if (existing) retire(key, existing);
          const created = new TargetRuntime(target, pool, onStateChange);
          targets.set(key, created);
          return created;
        });
        compiled.set(pool.id, new UpstreamPool(pool, runtimes, budget, epoch));
      }
      for (const [key, target] of targets) if (!kept.has(key)) retire(key, target);
      for (const poolId of budgets.keys()) if (!compiled.has(poolId)) budgets.delete(poolId);
      epoch.value++;
      return { get: (poolId) => compiled.get(poolId) };
    },

    targetStates() {
      return Array.from(targets.values(), (target) => ({
        targetId: target.id,
        poolId: target.poolId,
        url: target.url,
        state: target.health.state,
        since: target.health.since,
        ...(target.health.lastProbe && { lastProbe: target.health.lastProbe }),
        inFlight: target.inFlight,
        ewmaMs: target.ewmaMs,
        openConnections: target.openConnections,
        connectionsOpened: target.connectionsOpened,
        requests: target.requests,
      }));
    },

    async close() {
      const closing = Array.from(targets.values(), (target) => target.retire());
      targets.clear();
      budgets.clear();
      await Promise.allSettled(closing);
    },
  };
}
