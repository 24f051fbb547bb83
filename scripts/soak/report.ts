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
    npm run soak -- --dashboard           # the dashboard's browser memory soak (below)

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

/** One reading of the overview page, after a forced garbage collection. */
export interface HeapSample {
  /** Seconds since traffic started. */
  atSeconds: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  domNodes: number;
  listeners: number;
}

export interface HeapVerdict {
  pass: boolean;
  /** Least-squares slope of the used heap over the samples after the warm-up. */
  slopeMiBPerHour: number;
  boundMiBPerHour: number;
  warmUpSeconds: number;
  warmHeapMiB: number;
  finalHeapMiB: number;
  /** Samples the slope is fitted to. */
  judgedSamples: number;
}

export interface DashboardReport {
  machine: { cpus: number; cpuModel: string; node: string };
  date: string;
  settings: { minutes: number; sampleSeconds: number; ratePerSecond: number; historySeconds: number };
  samples: HeapSample[];
  traffic: { scheduled: number; completed: number; errors: number; unanswered: number };
  /** The overview still showed live data when the run ended. */
  liveAtEnd: boolean;
  verdict: HeapVerdict;
}

/**
 * The heap is flat when the slope fitted to the samples taken after the warm-up (the overview's
 * tick history is full by then) stays under `boundMiBPerHour`. A slope, not two end points, so one
 * late GC-resistant allocation does not decide the verdict.
 */
export function judgeHeap(samples: HeapSample[], warmUpSeconds: number, boundMiBPerHour: number): HeapVerdict {
  const judged = samples.filter((sample) => sample.atSeconds >= warmUpSeconds);
  if (judged.length < 3) throw new Error("fewer than three heap samples after the warm-up: the run was too short to judge");
  const meanT = judged.reduce((sum, sample) => sum + sample.atSeconds, 0) / judged.length;
  const meanH = judged.reduce((sum, sample) => sum + sample.heapUsedMiB, 0) / judged.length;
  let covariance = 0;
  let variance = 0;
  for (const sample of judged) {
    covariance += (sample.atSeconds - meanT) * (sample.heapUsedMiB - meanH);
    variance += (sample.atSeconds - meanT) ** 2;
  }
  const slopeMiBPerHour = (covariance / variance) * 3_600;
  return {
    pass: slopeMiBPerHour < boundMiBPerHour,
    slopeMiBPerHour,
    boundMiBPerHour,
    warmUpSeconds,
    warmHeapMiB: judged[0]!.heapUsedMiB,
    finalHeapMiB: judged.at(-1)!.heapUsedMiB,
    judgedSamples: judged.length,
  };
}

export function heapSamplesTable(samples: HeapSample[]): string {
  const rows = samples.map(
    (s) =>
      `| ${clock(s.atSeconds)} | ${s.heapUsedMiB.toFixed(2)} | ${s.heapTotalMiB.toFixed(2)} | ${s.domNodes} | ${s.listeners} |`,
  );
  return [
    "| time | JS heap used (MiB) | JS heap total (MiB) | DOM nodes | event listeners |",
    "|---:|---:|---:|---:|---:|",
    ...rows,
  ].join("\n");
}

export function heapVerdictLine(verdict: HeapVerdict): string {
  const sign = verdict.slopeMiBPerHour >= 0 ? "+" : "";
  return (
    `${verdict.pass ? "PASS" : "FAIL"}: overview JS heap ${verdict.warmHeapMiB.toFixed(2)} MiB at ${clock(verdict.warmUpSeconds)} → ` +
    `${verdict.finalHeapMiB.toFixed(2)} MiB at the end, slope ${sign}${verdict.slopeMiBPerHour.toFixed(2)} MiB/h over ` +
    `${verdict.judgedSamples} samples (bound < ${verdict.boundMiBPerHour} MiB/h)`
  );
}

const DASHBOARD_START = "<!-- dashboard-memory: written by scripts/soak/dashboard-memory.ts -->";
const DASHBOARD_END = "<!-- /dashboard-memory -->";

export function dashboardMarkdown(report: DashboardReport): string {
  const { settings, traffic, machine, verdict } = report;
  const short = verdict.warmUpSeconds < settings.historySeconds;
  return `${DASHBOARD_START}
## Dashboard memory

\`npm run soak -- --dashboard\` keeps the live overview open in headless Chromium (system Chromium through
playwright-core) while traffic runs through a proxy node that pushes its ticks to the web, for
\`SOAK_DASHBOARD_MINUTES\` (default 60). Every \`SOAK_DASHBOARD_SAMPLE_SECONDS\` (default 30) it forces a garbage
collection (CDP \`HeapProfiler.collectGarbage\`) and reads \`JSHeapUsedSize\` (CDP \`Performance.getMetrics\`).
The overview keeps ${settings.historySeconds / 60} minutes of ticks, so the heap may grow until that history is full;
the verdict is the least-squares slope of the used heap after the warm-up (${clock(verdict.warmUpSeconds)}), and must stay
under ${verdict.boundMiBPerHour} MiB/h. Raw results: \`.concierge/soak/dashboard-last.json\`.

**${heapVerdictLine(verdict)}**${short ? `\n\nThis run was shorter than the tick history (${clock(settings.historySeconds)}), so the judged half still includes the history filling up: the slope is an upper bound. Run the full hour for the verdict that counts.` : ""}

Last run: ${report.date}, ${settings.minutes} minutes, ${settings.ratePerSecond} req/s through the proxy
(${traffic.completed.toLocaleString("en-US")} answered, ${traffic.errors} errors), ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node};
overview still live at the end: ${report.liveAtEnd ? "yes" : "no"}.

${heapSamplesTable(report.samples)}
${DASHBOARD_END}
`;
}

/** `doc` with its dashboard section replaced by `section` (appended when it has none). */
export function withDashboardSection(doc: string, section: string): string {
  const start = doc.indexOf(DASHBOARD_START);
  const end = doc.indexOf(DASHBOARD_END);
  if (start === -1 || end === -1) return `${doc.trimEnd()}\n\n${section}`;
  return `${doc.slice(0, start)}${section.trimEnd()}${doc.slice(end + DASHBOARD_END.length)}`;
}

/** The dashboard section of `doc`, or "" when it has none: the proxy soak rewrites the rest. */
export function dashboardSectionOf(doc: string): string {
  const start = doc.indexOf(DASHBOARD_START);
  const end = doc.indexOf(DASHBOARD_END);
  return start === -1 || end === -1 ? "" : `${doc.slice(start, end + DASHBOARD_END.length)}\n`;
}
