/**
 * Per-target health: the configured switches (disabled, draining), the verdict of active probes
 * and passive ejection, folded into one state. Only `up` targets are eligible. Every change calls
 * `onChange`, so the pool rebuilds its eligible list then and never per request.
 */
import type { Pool } from "@concierge/config/pool";

import { PassiveEjection } from "./passive-ejection.ts";

export type TargetStateName = "up" | "down" | "ejected" | "draining" | "disabled";

export interface ProbeResult {
  ok: boolean;
  at: number;
  detail?: string;
}

export interface HealthSettings {
  enabled: boolean;
  draining: boolean;
  healthCheck: Pool["healthCheck"];
  passiveEjection: Pool["passiveEjection"];
}

export class TargetHealth {
  #settings: HealthSettings;
  readonly #onChange: (health: TargetHealth, previous: TargetStateName) => void;
  readonly #ejection: PassiveEjection;
  #state: TargetStateName;
  #since = Date.now();
  /** True once probes confirmed the target; before that the first failed probe takes it down. */
  #confirmed = false;
  #probedDown = false;
  #probeSuccesses = 0;
  #probeFailures = 0;
  #lastProbe: ProbeResult | undefined;

  constructor(
    settings: HealthSettings,
    onChange: (health: TargetHealth, previous: TargetStateName) => void,
  ) {
    this.#settings = settings;
    this.#onChange = onChange;
    this.#ejection = new PassiveEjection(settings.passiveEjection, () => this.#update());
    this.#state = this.#evaluate();
  }

  get state(): TargetStateName {
    return this.#state;
  }

  get since(): number {
    return this.#since;
  }

  get lastProbe(): ProbeResult | undefined {
    return this.#lastProbe;
  }

  get isEligible(): boolean {
    return this.#state === "up";
  }

  get settings(): HealthSettings {
    return this.#settings;
  }

  configure(settings: HealthSettings): void {
    this.#settings = settings;
    this.#ejection.configure(settings.passiveEjection);
    if (!settings.healthCheck.enabled) this.#probedDown = false;
    this.#update();
  }

  recordProbe(result: ProbeResult): void {
    this.#lastProbe = result;
    const { healthyThreshold, unhealthyThreshold } = this.#settings.healthCheck;
    if (result.ok) {
      this.#probeFailures = 0;
      this.#probeSuccesses++;
      if (this.#probeSuccesses >= healthyThreshold) {
        this.#confirmed = true;
        this.#probedDown = false;
      }
    } else {
      this.#probeSuccesses = 0;
      this.#probeFailures++;
      if (!this.#confirmed || this.#probeFailures >= unhealthyThreshold) {
        this.#probedDown = true;
        this.#confirmed = true;
      }
    }
    this.#update();
  }

  /** A request got a response that is not a server error. */
  recordSuccess(): void {
    this.#ejection.recordSuccess();
  }

  /** A request failed to connect, was reset, timed out, or got a 5xx. */
  recordFailure(): void {
    this.#ejection.recordFailure(Date.now());
  }

  close(): void {
    this.#ejection.close();
  }

  #evaluate(): TargetStateName {
    if (!this.#settings.enabled) return "disabled";
    if (this.#settings.draining) return "draining";
    if (this.#ejection.ejected) return "ejected";
    if (this.#probedDown) return "down";
    return "up";
  }

  #update(): void {
    const next = this.#evaluate();
    if (next === this.#state) return;
    const previous = this.#state;
    this.#state = next;
    this.#since = Date.now();
    this.#onChange(this, previous);
  }
}
