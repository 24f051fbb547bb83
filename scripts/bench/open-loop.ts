/**
 * Open-loop latency: requests leave on a fixed timetable whatever the answers do, and each
 * latency is measured from the request's *scheduled* send time, so a stalled server shows up as
 * latency instead of slowing the sender down (no coordinated omission). Bounded by duration and
 * count; requests still unanswered `drainMs` after the last send count as timed out. The first
 * `warmUpFraction` of the timetable opens connections and is sent but not recorded.
 *
 * CLI: node --import tsx scripts/bench/open-loop.ts <url> <rate per second> <seconds> → JSON on stdout
 */
import { pathToFileURL } from "node:url";

import { Pool } from "undici";

export interface OpenLoopResult {
  ratePerSecond: number;
  scheduled: number;
  /** Answered requests after the warm-up: the ones the percentiles are of. */
  completed: number;
  errors: number;
  timedOut: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** How far behind its own timetable the sender fell at worst: large values mean the generator, not the server, was the limit. */
  maxSendLagMs: number;
}

const TICK_MS = 1;

export function percentile(sorted: ArrayLike<number>, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export async function runOpenLoop(options: {
  url: string;
  ratePerSecond: number;
  durationSeconds: number;
  connections?: number;
  drainMs?: number;
  warmUpFraction?: number;
}): Promise<OpenLoopResult> {
  const url = new URL(options.url);
  const pool = new Pool(url.origin, { connections: options.connections ?? 64, pipelining: 1 });
  const scheduled = Math.max(1, Math.floor(options.ratePerSecond * options.durationSeconds));
  const intervalMs = 1000 / options.ratePerSecond;
  const latencies = new Float64Array(scheduled);
  const firstRecorded = Math.floor(scheduled * (options.warmUpFraction ?? 0.1));
  let completed = 0;
  let errors = 0;
  let sent = 0;
  let maxSendLagMs = 0;
  let settled = 0;
  let onAllSettled: (() => void) | undefined;

  const settle = () => {
    settled++;
    if (settled === scheduled) onAllSettled?.();
  };

  const send = (scheduledAt: number, recorded: boolean) => {
    pool.request({ path: url.pathname + url.search, method: "GET" }).then(
      async ({ statusCode, body }) => {
        for await (const _chunk of body);
        const latencyMs = performance.now() - scheduledAt;
        if (statusCode < 200 || statusCode >= 400) errors++;
        else if (recorded) latencies[completed++] = latencyMs;
        settle();
      },
      () => {
        errors++;
        settle();
      },
    );
  };

  const start = performance.now() + 10;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (sent < scheduled) {
        const scheduledAt = start + sent * intervalMs;
        if (scheduledAt > now) break;
        const recorded = sent >= firstRecorded;
        if (recorded) maxSendLagMs = Math.max(maxSendLagMs, now - scheduledAt);
        send(scheduledAt, recorded);
        sent++;
      }
      if (sent < scheduled) setTimeout(tick, TICK_MS);
      else done();
    };
    setTimeout(tick, TICK_MS);
  });

  const drained = await new Promise<boolean>((done) => {
    if (settled === scheduled) return done(true);
    const timer = setTimeout(() => done(false), options.drainMs ?? 5_000);
    onAllSettled = () => {
      clearTimeout(timer);
      done(true);
    };
  });
  const errorsWhenDrained = errors;
  await pool.destroy();

  const measured = latencies.subarray(0, completed).sort();
  return {
    ratePerSecond: options.ratePerSecond,
    scheduled,
    completed,
    errors: errorsWhenDrained,
    timedOut: drained ? 0 : scheduled - settled,
    p50Ms: percentile(measured, 0.5),
    p99Ms: percentile(measured, 0.99),
    maxMs: percentile(measured, 1),
    maxSendLagMs,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [url, rate, seconds] = process.argv.slice(2);
  if (!url || !rate || !seconds) {
    process.stderr.write("usage: open-loop.ts <url> <rate per second> <seconds>\n");
    process.exit(2);
  }
  const result = await runOpenLoop({ url, ratePerSecond: Number(rate), durationSeconds: Number(seconds) });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
