import { setTimeout as delay } from "node:timers/promises";

const POLL_INTERVAL_MS = 10;

/** Polls `condition` until it returns a value other than undefined/false, or fails at the deadline. */
export async function waitFor<T>(
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  options: { timeoutMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${options.what ?? "a condition"}`);
    await delay(POLL_INTERVAL_MS);
  }
}
