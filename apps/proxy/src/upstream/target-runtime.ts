import { Pool as UndiciPool } from "undici";

import type { Pool } from "@concierge/config/pool";
import type { Target } from "@concierge/config/target";

import type { BalancerTarget } from "../balancer/balancer.ts";
import { startActiveProbe } from "../health/active-probe.ts";
import { TargetHealth, type HealthSettings, type TargetStateName } from "../health/target-health.ts";

/** Latency samples weigh this much in the moving average (about the last ten responses). */
const EWMA_ALPHA = 0.2;

/**
 * One target at run time: its undici Pool (keep-alive, connection cap, timeouts), its health and
 * its counters. It outlives config revisions while its connection settings stay the same.
 */
export class TargetRuntime implements BalancerTarget {
  readonly id: string;
  readonly poolId: string;
  readonly url: string;
  /** The target URL's path, prefixed to every forwarded path; "" for "/". */
  readonly basePath: string;
  /** Everything that shapes the connections; a change needs a new undici Pool. */
  readonly connectionKey: string;
  readonly connectMs: number;
  readonly dispatcher: UndiciPool;
  readonly health: TargetHealth;
  weight: number;
  inFlight = 0;
  ewmaMs = 0;
  requests = 0;
  connectionsOpened = 0;
  openConnections = 0;
  #stopProbe: (() => void) | undefined;
  #probeKey = "";

  /** Bound once so finishing a request allocates no closure. */
  readonly release = (): void => {
    this.inFlight--;
  };

  constructor(
    target: Target,
    pool: Pool,
    onStateChange: (target: TargetRuntime, previous: TargetStateName) => void,
  ) {
    const url = new URL(target.url);
    this.id = target.id;
    this.poolId = pool.id;
    this.url = target.url;
    this.basePath = url.pathname.replace(/\/+$/, "");
    this.connectionKey = connectionKeyOf(target, pool);
    this.connectMs = pool.timeouts.connectMs;
    this.weight = target.weight;
    this.health = new TargetHealth(healthSettingsOf(target, pool), (_health, previous) =>
      onStateChange(this, previous),
    );

    this.dispatcher = new UndiciPool(url.origin, {
      connections: pool.maxConnectionsPerTarget,
      headersTimeout: pool.timeouts.firstByteMs,
      bodyTimeout: pool.timeouts.idleMs,
      connect: { timeout: pool.timeouts.connectMs },
    });
    this.dispatcher.on("connect", () => {
      this.connectionsOpened++;
      this.openConnections++;
    });
    this.dispatcher.on("disconnect", () => {
      this.openConnections--;
    });
    this.#syncProbe();
  }

  get isEligible(): boolean {
    return this.weight > 0 && this.health.isEligible;
  }

  recordLatency(ms: number): void {
    this.ewmaMs = this.ewmaMs === 0 ? ms : this.ewmaMs + EWMA_ALPHA * (ms - this.ewmaMs);
  }

  /** A new revision with the same connection settings: adopt weight and health settings. */
  configure(target: Target, pool: Pool): void {
    this.weight = target.weight;
    this.health.configure(healthSettingsOf(target, pool));
    this.#syncProbe();
  }

  /** Takes no new requests, then closes once the in-flight ones finished. */
  async retire(): Promise<void> {
    this.health.configure({ ...this.health.settings, draining: true });
    this.#stopProbe?.();
    this.#stopProbe = undefined;
    this.health.close();
    await this.dispatcher.close();
  }

  async destroy(): Promise<void> {
    this.#stopProbe?.();
    this.health.close();
    await this.dispatcher.destroy();
  }

  #syncProbe(): void {
    const { enabled, healthCheck } = this.health.settings;
    const probeKey = enabled && healthCheck.enabled ? `${this.basePath}${healthCheck.path}` : "";
    if (probeKey === this.#probeKey) return;
    this.#stopProbe?.();
    this.#stopProbe = undefined;
    this.#probeKey = probeKey;
    if (probeKey !== "") {
      this.#stopProbe = startActiveProbe({ origin: new URL(this.url).origin, path: probeKey, health: this.health });
    }
  }
}

export function connectionKeyOf(target: Target, pool: Pool): string {
  const { connectMs, firstByteMs, idleMs } = pool.timeouts;
  return `${target.url}|${pool.maxConnectionsPerTarget}|${connectMs}|${firstByteMs}|${idleMs}`;
}

function healthSettingsOf(target: Target, pool: Pool): HealthSettings {
  return {
    enabled: target.enabled,
    draining: target.draining,
    healthCheck: pool.healthCheck,
    passiveEjection: pool.passiveEjection,
  };
}
