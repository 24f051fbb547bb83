/**
 * Open-loop mixed traffic for the soak: requests leave on a fixed timetable over keep-alive
 * connections, each to a path drawn from a weighted mix, and each latency counts from the
 * request's scheduled send time (as in scripts/bench/open-loop.ts, so a stalled proxy shows up as
 * latency). Runs until its duration or its request count is used up; `takeWindow()` hands over
 * what completed since the previous call, so the soak can report per sampling window.
 */
import { Pool } from "undici";

import { percentile } from "../bench/open-loop.ts";

export interface TrafficMix {
  path: string;
  /** Relative share of the requests. */
  weight: number;
}

export interface TrafficWindow {
  completed: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  /** Up to a few error descriptions (status code or client error) of the window. */
  errorSamples: string[];
}

export interface MixedTraffic {
  takeWindow(): TrafficWindow;
  /** Resolves once the last request has been sent and answered (or `drainMs` passed). */
  finished: Promise<{ scheduled: number; completed: number; errors: number; unanswered: number }>;
  /** Stops sending early (Ctrl-C, failure); `finished` still resolves. */
  stop(): void;
}

const TICK_MS = 1;
const KEPT_ERROR_SAMPLES = 5;

function pathPicker(mix: TrafficMix[]): () => string {
  const total = mix.reduce((sum, entry) => sum + entry.weight, 0);
  // A fixed, evenly spread sequence: the mix is exact over every 100 requests, with no randomness to explain.
  const sequence: string[] = [];
  for (let slot = 0; slot < 100; slot++) {
    let point = (((slot * 37) % 100) / 100) * total;
    const entry = mix.find((candidate) => (point -= candidate.weight) < 0) ?? mix.at(-1)!;
    sequence.push(entry.path);
  }
  let next = 0;
  return () => sequence[next++ % sequence.length]!;
}

export function startMixedTraffic(options: {
  origin: string;
  mix: TrafficMix[];
  ratePerSecond: number;
  durationSeconds: number;
  connections?: number;
  drainMs?: number;
}): MixedTraffic {
  const pool = new Pool(options.origin, { connections: options.connections ?? 64, pipelining: 1 });
  const pick = pathPicker(options.mix);
  const scheduled = Math.max(1, Math.floor(options.ratePerSecond * options.durationSeconds));
  const intervalMs = 1000 / options.ratePerSecond;
  let window: { latencies: number[]; errors: number; errorSamples: string[] } = {
    latencies: [],
    errors: 0,
    errorSamples: [],
  };
  let sent = 0;
  let settled = 0;
  let completed = 0;
  let errors = 0;
  let stopped = false;
  let onAllSettled: (() => void) | undefined;

  const fail = (description: string) => {
    errors++;
    window.errors++;
    if (window.errorSamples.length < KEPT_ERROR_SAMPLES) window.errorSamples.push(description);
  };
  const settle = () => {
    settled++;
    if (settled === sent && (stopped || sent === scheduled)) onAllSettled?.();
  };

  const send = (path: string, scheduledAt: number) => {
    pool.request({ path, method: "GET" }).then(
      async ({ statusCode, body }) => {
        for await (const _chunk of body);
        if (statusCode < 200 || statusCode >= 400) fail(`${path} → ${statusCode}`);
        else {
          completed++;
          window.latencies.push(performance.now() - scheduledAt);
        }
        settle();
      },
      (error: Error) => {
        fail(`${path} → ${error.message}`);
        settle();
      },
    );
  };

  const start = performance.now() + 10;
  const sending = new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (sent < scheduled && !stopped) {
        const scheduledAt = start + sent * intervalMs;
        if (scheduledAt > now) break;
        send(pick(), scheduledAt);
        sent++;
      }
      if (sent < scheduled && !stopped) setTimeout(tick, TICK_MS);
      else done();
    };
    setTimeout(tick, TICK_MS);
  });

  const finished = sending.then(async () => {
    const drained = await new Promise<boolean>((done) => {
      if (settled === sent) return done(true);
      const timer = setTimeout(() => done(false), options.drainMs ?? 5_000);
      onAllSettled = () => {
        clearTimeout(timer);
        done(true);
      };
    });
    const result = { scheduled, completed, errors, unanswered: drained ? 0 : sent - settled };
    await pool.destroy();
    return result;
  });

  return {
    takeWindow() {
      const { latencies, errors: windowErrors, errorSamples } = window;
      window = { latencies: [], errors: 0, errorSamples: [] };
      const sorted = Float64Array.from(latencies).sort();
      return {
        completed: latencies.length,
        errors: windowErrors,
        p50Ms: percentile(sorted, 0.5),
        p99Ms: percentile(sorted, 0.99),
        errorSamples,
      };
    },
    finished,
    stop: () => void (stopped = true),
  };
}
