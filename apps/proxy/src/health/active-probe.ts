import { Client } from "undici";

import type { TargetHealth } from "./target-health.ts";

/**
 * Active HTTP probes: GET `path` every `intervalMs` on a connection of their own (so a busy pool
 * cannot starve them, and they never count as traffic); a 2xx or 3xx within `timeoutMs` is
 * healthy. The first probe runs at once, and the next is scheduled after the previous ends, so
 * probes never overlap. Returns a stop function.
 */
export function startActiveProbe(options: {
  origin: string;
  path: string;
  health: TargetHealth;
}): () => void {
  const { health } = options;
  const client = new Client(options.origin, { pipelining: 1 });
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function probe(): Promise<void> {
    const { intervalMs, timeoutMs } = health.settings.healthCheck;
    const at = Date.now();
    try {
      const response = await client.request({
        method: "GET",
        path: options.path,
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      await response.body.dump();
      const ok = response.statusCode >= 200 && response.statusCode < 400;
      if (!stopped) health.recordProbe({ ok, at, detail: `HTTP ${response.statusCode}` });
    } catch (error) {
      if (!stopped) health.recordProbe({ ok: false, at, detail: describeFailure(error) });
    }
    if (!stopped) timer = setTimeout(() => void probe(), intervalMs).unref();
  }

  void probe();
  return () => {
    stopped = true;
    clearTimeout(timer);
    void client.destroy();
  };
}

function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError" || error.name === "AbortError") return "timeout";
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? code : error.message;
  }
  return String(error);
}
