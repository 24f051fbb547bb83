/**
 * Open-loop latency: requests leave on a fixed timetable whatever the answers do, and each
 * latency is measured from the request's *scheduled* send time, so a stalled server shows up as
 * latency instead of slowing the sender down (no coordinated omission). Bounded by duration and
 * count; requests still unanswered `drainMs` after the last send count as timed out. The first
 * `warmUpFraction` of the timetable opens connections and is sent but not recorded.
 *
 * One Node process cannot send tens of thousands of requests a second on a shared core, so
 * `runOpenLoopGenerators` splits the rate over several generator processes (this file's CLI) and
 * merges their latencies; the result says the rate the generators really achieved.
 *
 * CLI: node --import tsx scripts/bench/open-loop.ts <url> <rate per second> <seconds> <connections>
 *      → one line of JSON (an OpenLoopSample) on stdout
 */
import { execFile } from "node:child_process";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";

import { Pool } from "undici";

export interface OpenLoopResult {
  /** The timetable's rate, summed over the generators. */
  ratePerSecond: number;
  /** Answers after the warm-up per second, from the first recorded send to the last answer: below the target, the rate was not sustained. */
  achievedRatePerSecond: number;
  scheduled: number;
  /** Answered requests after the warm-up: the ones the percentiles are of. */
  completed: number;
  errors: number;
  timedOut: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** How far behind its own timetable a sender fell at worst: large values mean the generator, not the server, was the limit. */
  maxSendLagMs: number;
}

/** What one generator saw: its recorded latencies travel to the parent to be merged. */
export interface OpenLoopSample {
  scheduled: number;
  /** From the first recorded send to the last recorded answer. */
  recordedSeconds: number;
  errors: number;
  timedOut: number;
  maxSendLagMs: number;
  latenciesMs: number[];
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
}): Promise<OpenLoopSample> {
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
  let firstRecordedSendAt = 0;
  let lastCompletionAt = 0;
  let settled = 0;
  let onAllSettled: (() => void) | undefined;

  const settle = () => {
    settled++;
    if (settled === scheduled) onAllSettled?.();
  };

  const path = url.pathname + url.search;
  // dispatch() with a bare handler: no promise or stream per request, so one generator sends more.
  const send = (scheduledAt: number, recorded: boolean) => {
    let status = 0;
    pool.dispatch(
      { path, method: "GET" },
      {
        onConnect() {},
        onHeaders(statusCode) {
          status = statusCode;
          return true;
        },
        onData: () => true,
        onComplete() {
          const now = performance.now();
          if (status < 200 || status >= 400) errors++;
          else if (recorded) {
            latencies[completed++] = now - scheduledAt;
            lastCompletionAt = now;
          }
          settle();
        },
        onError() {
          errors++;
          settle();
        },
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
        if (recorded) {
          maxSendLagMs = Math.max(maxSendLagMs, now - scheduledAt);
          if (sent === firstRecorded) firstRecordedSendAt = now;
        }
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

  return {
    scheduled,
    // One answer alone spans one interval of the timetable.
    recordedSeconds: (Math.max(lastCompletionAt, firstRecordedSendAt) - firstRecordedSendAt + intervalMs) / 1000,
    errors: errorsWhenDrained,
    timedOut: drained ? 0 : scheduled - settled,
    maxSendLagMs,
    latenciesMs: Array.from(latencies.subarray(0, completed), (value) => Math.round(value * 1000) / 1000),
  };
}

const execFileAsync = promisify(execFile);

/** `generators` processes, each sending `ratePerSecond / generators` over its own connections, merged. */
export async function runOpenLoopGenerators(options: {
  root: string;
  url: string;
  ratePerSecond: number;
  durationSeconds: number;
  connections: number;
  generators: number;
}): Promise<OpenLoopResult> {
  const share = options.ratePerSecond / options.generators;
  const connections = Math.max(1, Math.round(options.connections / options.generators));
  const samples = await Promise.all(
    Array.from({ length: options.generators }, async () => {
      const { stdout } = await execFileAsync(
        process.execPath,
        ["--import", "tsx", new URL(import.meta.url).pathname, options.url, String(share), String(options.durationSeconds), String(connections)],
        { cwd: options.root, encoding: "utf8", maxBuffer: 256 << 20, timeout: (options.durationSeconds + 30) * 1000 },
      );
      return JSON.parse(stdout.trim().split("\n").at(-1)!) as OpenLoopSample;
    }),
  );
  const measured = Float64Array.from(samples.flatMap((sample) => sample.latenciesMs)).sort();
  const sum = (pick: (sample: OpenLoopSample) => number) => samples.reduce((total, sample) => total + pick(sample), 0);
  return {
    ratePerSecond: options.ratePerSecond,
    achievedRatePerSecond: sum((sample) => sample.latenciesMs.length / sample.recordedSeconds),
    scheduled: sum((sample) => sample.scheduled),
    completed: measured.length,
    errors: sum((sample) => sample.errors),
    timedOut: sum((sample) => sample.timedOut),
    p50Ms: percentile(measured, 0.5),
    p99Ms: percentile(measured, 0.99),
    maxMs: percentile(measured, 1),
    maxSendLagMs: Math.max(...samples.map((sample) => sample.maxSendLagMs)),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [url, rate, seconds, connections] = process.argv.slice(2);
  if (!url || !rate || !seconds || !connections) {
    process.stderr.write("usage: open-loop.ts <url> <rate per second> <seconds> <connections>\n");
    process.exit(2);
  }
  const result = await runOpenLoop({
    url,
    ratePerSecond: Number(rate),
    durationSeconds: Number(seconds),
    connections: Number(connections),
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
