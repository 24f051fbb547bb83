import type { Pool } from "@concierge/config/pool";

type Settings = Pool["passiveEjection"];

/**
 * Outlier detection from real traffic (Envoy's consecutive failures): after `consecutiveFailures`
 * failed requests in a row the target is ejected for a cool-down, then rejoins on its own. An
 * ejection within `maxEjectionMs` of the previous one ending doubles the cool-down, up to
 * `maxEjectionMs`; a target that stayed well that long starts again from `baseEjectionMs`.
 */
export class PassiveEjection {
  #settings: Settings;
  readonly #onChange: () => void;
  #failures = 0;
  #level = 0;
  #ejectedUntil = 0;
  #lastEjectionEnd = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;

  constructor(settings: Settings, onChange: () => void) {
    this.#settings = settings;
    this.#onChange = onChange;
  }

  get ejected(): boolean {
    return this.#timer !== undefined;
  }

  get ejectedUntil(): number {
    return this.#ejectedUntil;
  }

  configure(settings: Settings): void {
    this.#settings = settings;
  }

  recordSuccess(): void {
    this.#failures = 0;
  }

  recordFailure(now: number): void {
    if (this.ejected) return;
    this.#failures++;
    if (this.#failures < this.#settings.consecutiveFailures) return;

    const { baseEjectionMs, maxEjectionMs } = this.#settings;
    this.#level = now - this.#lastEjectionEnd < maxEjectionMs ? this.#level + 1 : 0;
    const coolDownMs = Math.min(baseEjectionMs * 2 ** this.#level, maxEjectionMs);
    this.#failures = 0;
    this.#ejectedUntil = now + coolDownMs;
    this.#timer = setTimeout(() => this.#rejoin(), coolDownMs).unref();
    this.#onChange();
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #rejoin(): void {
    this.#timer = undefined;
    this.#lastEjectionEnd = this.#ejectedUntil;
    this.#onChange();
  }
}
