/** The soak's results as data (`.concierge/soak/last.json`), as a table over time and as the markdown of docs/soak.md. */
import type { ChurnStats } from "./config-churn.ts";

export interface SoakSample {
  /** Seconds since traffic started, at the end of the window. */
  atSeconds: number;
  workerRssMiB: number | null;
  primaryRssMiB: number | null;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** Requests answered since traffic started. */
  requestsDone: number;
  /** The revision the node serves (`/readyz`) and the one the last change committed. */
  servedRevision: number | null;
  committedRevision: number;
  loadAverage: number;
  errorSamples: string[];
}

export interface SoakVerdict {
  pass: boolean;
  /** Worker RSS at the end of the warm-up and at the end of the run, MiB. */
  warmRssMiB: number;
  finalRssMiB: number;
  growthPercent: number;
  boundPercent: number;
  warmUpSeconds: number;
}

export interface SoakReport {
  machine: { cpus: number; cpuModel: string; node: string; database: string };
  date: string;
  settings: {
    minutes: number;
    ratePerSecond: number;
    mix: string;
    changePeriodMs: number;
    sampleSeconds: number;
    workers: number;
  };
  samples: SoakSample[];
  traffic: { scheduled: number; completed: number; errors: number; unanswered: number };
  churn: Omit<ChurnStats, "durationsMs"> & { p50Ms: number; p99Ms: number };
  verdict: SoakVerdict;
}

/**
 * Memory is flat when the worker's RSS at the end of the run is within `boundPercent` of its RSS
 * at the end of the warm-up (the sample closest to `warmUpSeconds`). Caches fill and JIT settles
 * during the warm-up; growth after it, under steady traffic and steady config churn, is a leak.
 */
export function judgeMemory(
  samples: SoakSample[],
  warmUpSeconds: number,
  boundPercent: number,
): SoakVerdict {
  const measured = samples.filter((sample) => sample.workerRssMiB !== null);
  if (measured.length < 2)
    throw new Error("fewer than two memory samples: the run was too short to judge");
  const warm = measured.reduce((best, sample) =>
    Math.abs(sample.atSeconds - warmUpSeconds) < Math.abs(best.atSeconds - warmUpSeconds)
      ? sample
      : best,
  );
  const warmRssMiB = warm.workerRssMiB!;
  const finalRssMiB = measured.at(-1)!.workerRssMiB!;
  const growthPercent = ((finalRssMiB - warmRssMiB) / warmRssMiB) * 100;
  return {
    pass: growthPercent < boundPercent,
    warmRssMiB,
    finalRssMiB,
    growthPercent,
    boundPercent,
    warmUpSeconds,
  };
}

const mib = (value: number | null) => (value === null ? "–" : value.toFixed(1));
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : "–");

function clock(seconds: number): string {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

export function samplesTable(samples: SoakSample[]): string {
  const rows = samples.map(
    (s) =>
      `| ${clock(s.atSeconds)} | ${mib(s.workerRssMiB)} | ${mib(s.primaryRssMiB)} | ${Math.round(s.requestsPerSecond)} | ${ms(s.p50Ms)} | ${ms(s.p99Ms)} | ${s.errors} | ${s.requestsDone.toLocaleString("en-US")} | ${s.servedRevision ?? "–"} / ${s.committedRevision} | ${s.loadAverage.toFixed(2)} |`,
  );
  return [
    "| time | RSS worker (MiB) | RSS primary (MiB) | req/s | p50 (ms) | p99 (ms) | errors | requests done | revision served / committed | load avg (1 min) |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
  ].join("\n");
}

export function verdictLine(verdict: SoakVerdict): string {
  return (
    `${verdict.pass ? "PASS" : "FAIL"}: worker RSS ${verdict.warmRssMiB.toFixed(1)} MiB at ${clock(verdict.warmUpSeconds)} → ` +
    `${verdict.finalRssMiB.toFixed(1)} MiB at the end (${verdict.growthPercent >= 0 ? "+" : ""}${verdict.growthPercent.toFixed(1)}%, bound < ${verdict.boundPercent}%)`
  );
}

export function toMarkdown(report: SoakReport): string {
  const { settings, traffic, churn, machine } = report;
  const loads = report.samples.map((sample) => sample.loadAverage);
  const errorSamples = [...new Set(report.samples.flatMap((sample) => sample.errorSamples))].slice(
    0,
    10,
  );
  return `# Soak run

\`npm run soak\` runs one proxy node (PROXY_WORKERS=${settings.workers}, LOG_LEVEL=warn) against three local origins for
a fixed time under steady open-loop traffic, while the configuration changes through the JSON API every
${settings.changePeriodMs / 1000} s, and samples the node's memory and latency every ${settings.sampleSeconds} s. It answers one question:
does memory stay flat once the node is warm?

    npm run soak                          # 30 minutes at 300 req/s
    npm run soak -- --minutes 10 --rate 200

Everything it starts (origins, database, web server, proxy) is stopped at the end, on failure and on
Ctrl-C. The database is a fresh one on \`TEST_DATABASE_URL\`/\`DATABASE_URL\` when set (dropped afterwards),
else an embedded PostgreSQL in a temporary folder. Raw results: \`.concierge/soak/last.json\`.

## What runs

- Pool of 3 origins (round robin); routes \`/1k\` (cached, 1 KiB), \`/nostore\` (not cached, \`no-store\`,
  1 KiB), \`/100k\` (cached, 100 KiB), all configured through \`/api/v1\`.
- Traffic: ${settings.ratePerSecond} req/s open loop (latency counted from each request's scheduled send time), mix
  ${settings.mix}, keep-alive, bounded by duration and count.
- Config churn every ${settings.changePeriodMs / 1000} s: a response header on \`/1k\` or the priority of \`/nostore\`;
  every tenth change removes the pool's third target or adds it back (weight 2).
- Each sample: VmRSS of the proxy worker (the primary's child) and of the primary from \`/proc\` (the
  proxy exposes no heap figures, so RSS only), p50/p99 and errors of that window, requests done, the
  revision served (\`/readyz\`) against the last one committed, and the machine's load average.

## Verdict

**${verdictLine(report.verdict)}**

Memory is judged flat when the worker's RSS at the end of the run is less than ${report.verdict.boundPercent}% above its RSS at the
end of the warm-up (${clock(report.verdict.warmUpSeconds)}).

## Last run

${report.date}, ${settings.minutes} minutes at ${settings.ratePerSecond} req/s, ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node},
${machine.database}. Load average (1 min) during the run: ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} on
${machine.cpus} cores${Math.max(...loads) > machine.cpus ? " — other work shared the machine, so latencies are pessimistic" : ""}.

- Requests: ${traffic.scheduled.toLocaleString("en-US")} scheduled, ${traffic.completed.toLocaleString("en-US")} answered 2xx/3xx, ${traffic.errors} errors, ${traffic.unanswered} unanswered at the end.
- Config changes: ${churn.changes} applied through the API (p50 ${ms(churn.p50Ms)} ms, p99 ${ms(churn.p99Ms)} ms per call), ${churn.failed} failed; last committed revision ${churn.revision}.
${errorSamples.length > 0 ? `- Errors seen (first ones): ${errorSamples.map((sample) => `\`${sample}\``).join(", ")}.\n` : ""}${churn.failures.length > 0 ? `- Failed changes: ${churn.failures.map((failure) => `\`${failure}\``).join(", ")}.\n` : ""}
${samplesTable(report.samples)}
`;
}
