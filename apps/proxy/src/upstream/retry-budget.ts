/** Retries always allowed per window, so a quiet pool can still fail over. */
const MIN_RETRIES_PER_WINDOW = 10;
const WINDOW_MS = 10_000;

/**
 * Retries as a share of recent requests (Finagle's RetryBudget, Envoy's retry budgets): during an
 * outage retries cannot multiply the load beyond `budgetPercent`. Counts live in two adjacent
 * windows, so "recent" means the last 10–20 s without keeping a timestamp per request.
 */
export class RetryBudget {
  #percent: number;
  #windowStart = 0;
  #requests = 0;
  #retries = 0;
  #previousRequests = 0;
  #previousRetries = 0;

  constructor(budgetPercent: number) {
    this.#percent = budgetPercent;
  }

  configure(budgetPercent: number): void {
    this.#percent = budgetPercent;
  }

  recordRequest(now: number): void {
    this.#roll(now);
    this.#requests++;
  }

  /** Takes one retry from the budget; false when it is spent. */
  tryRetry(now: number): boolean {
    this.#roll(now);
    const requests = this.#requests + this.#previousRequests;
    const retries = this.#retries + this.#previousRetries;
    const allowed = Math.max(MIN_RETRIES_PER_WINDOW, Math.floor((requests * this.#percent) / 100));
    if (retries >= allowed) return false;
    this.#retries++;
    return true;
  }

  #roll(now: number): void {
    if (now - this.#windowStart < WINDOW_MS) return;
    const skippedWindow = now - this.#windowStart >= 2 * WINDOW_MS;
    this.#previousRequests = skippedWindow ? 0 : this.#requests;
    this.#previousRetries = skippedWindow ? 0 : this.#retries;
    this.#requests = 0;
    this.#retries = 0;
    this.#windowStart = now;
  }
}
