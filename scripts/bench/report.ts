/** The benchmark's results as data (`.bench/latest.json`) and as the tables of the console and docs/benchmark.md. */
import type { HistoryQueryReport } from "./history-query.ts";
import type { OpenLoopResult } from "./open-loop.ts";
import type { PropagationResult } from "./propagation.ts";
import type { BenchSettings, CaseName } from "./settings.ts";

export type Side = "nginx" | "concierge";
export const SIDES: readonly Side[] = ["nginx", "concierge"];

export interface CaseKey {
  name: CaseName;
  connections: number;
  workers: number;
}

/** The issue's per-case figures for one proxy. */
export interface SideFigures {
  /** Median req/s of the closed-loop rounds. */
  rps: number;
  /** Open loop at the case's fixed rate. */
  p50Ms: number;
  p99Ms: number;
  /** Peak resident memory of the server's whole process tree while the case ran. */
  rssMb: number;
}

export interface CaseResult extends CaseKey {
  concierge: SideFigures;
  nginx: SideFigures;
  /** Concierge req/s ÷ nginx req/s. */
  ratio: number;
}

export interface RoundsSpread {
  /** req/s of each round, in the order run. */
  rounds: number[];
  min: number;
  max: number;
  /** (max − min) ÷ median, in percent: the noise the ratio has to be read against. */
  spreadPercent: number;
  /** wrk's non-2xx answers and socket errors, summed over the rounds. */
  errors: number;
}

export interface UpstreamReuse {
  /** TCP connections the origins accepted during the measured rounds (warm-up excluded). */
  connectionsOpened: number;
  /** Requests the origins received for the case's path during those rounds. */
  originRequests: number;
  /** originRequests ÷ connectionsOpened; null where no connection was opened. */
  requestsPerConnection: number | null;
}

export interface OpenLoopCase extends CaseKey {
  ratePerSecond: number;
  nginx: OpenLoopResult;
  concierge: OpenLoopResult;
}

export interface MetricsComparison {
  name: CaseName;
  connections: number;
  workers: number;
  on: RoundsSpread & { median: number };
  off: RoundsSpread & { median: number };
  /** (off − on) ÷ on, in percent: what recording metrics costs. */
  costPercent: number;
  /** True when the medians differ by less than the wider min–max range of the two: no measurable cost. */
  withinSpread: boolean;
}

export interface BenchReport {
  cases: CaseResult[];
  date: string;
  machine: { cpus: number; cpuModel: string; node: string; nginx: string; wrk: string; database: string };
  /** 1-minute load average when the run started: above the core count, other work shared the machine. */
  loadAverageAtStart: number;
  /** The same when the measurements ended. */
  loadAverageAtEnd?: number;
  settings: Omit<BenchSettings, "propagationOnly">;
  spread: Array<CaseKey & Record<Side, RoundsSpread>>;
  upstream: Array<CaseKey & Record<Side, UpstreamReuse>>;
  openLoop: OpenLoopCase[];
  /** Requests that reached the origins for the cached paths while each side was measured (fills, revalidations). */
  originLoad: Array<CaseKey & Record<Side, number>>;
  metrics: MetricsComparison[];
  propagation?: PropagationResult;
  historyQuery?: HistoryQueryReport;
}

export const TARGETS = {
  "pass-through": 0.5,
  "hit-1k": 1.3,
  "hit-100k": 1.0,
  p99Ratio: 1.5,
  requestsPerConnection: 1000,
} as const;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function spreadOf(rounds: number[], errors: number): RoundsSpread {
  const min = Math.min(...rounds);
  const max = Math.max(...rounds);
  return { rounds, min, max, spreadPercent: ((max - min) / median(rounds)) * 100, errors };
}

export function compareMetrics(key: CaseKey, on: RoundsSpread, off: RoundsSpread): MetricsComparison {
  const onMedian = median(on.rounds);
  const offMedian = median(off.rounds);
  const widerRange = Math.max(on.max - on.min, off.max - off.min);
  return {
    ...key,
    on: { ...on, median: onMedian },
    off: { ...off, median: offMedian },
    costPercent: ((offMedian - onMedian) / onMedian) * 100,
    withinSpread: Math.abs(offMedian - onMedian) <= widerRange,
  };
}

const number = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "–");
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : "–");
const ratio = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : "–");
const percent = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} %` : "–");
const sameCase = (a: CaseKey) => (b: CaseKey) =>
  a.name === b.name && a.connections === b.connections && a.workers === b.workers;

function table(header: string[], align: string[], rows: string[][]): string {
  return [`| ${header.join(" | ")} |`, `|${align.join("|")}|`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");
}

/** The issue's one table: throughput, its noise, latency at the fixed rate and memory, per case. */
export function casesTable(report: BenchReport): string {
  const rows = report.cases.map((row) => {
    const spread = report.spread.find(sameCase(row));
    const loop = report.openLoop.find(sameCase(row));
    const target = TARGETS[row.name];
    return [
      `\`${row.name}\``,
      String(row.workers),
      String(row.connections),
      number(row.nginx.rps),
      number(row.concierge.rps),
      `**${ratio(row.ratio)}**${row.ratio >= target ? "" : ` (< ${target})`}`,
      spread ? `${percent(spread.nginx.spreadPercent)} / ${percent(spread.concierge.spreadPercent)}` : "–",
      loop ? number(loop.ratePerSecond) : "–",
      `${ms(row.nginx.p50Ms)} / ${ms(row.nginx.p99Ms)}`,
      `${ms(row.concierge.p50Ms)} / ${ms(row.concierge.p99Ms)}`,
      ratio(row.concierge.p99Ms / row.nginx.p99Ms),
      `${number(row.nginx.rssMb)} / ${number(row.concierge.rssMb)}`,
    ];
  });
  return table(
    [
      "case",
      "workers",
      "conns",
      "nginx req/s",
      "Concierge req/s",
      "ratio",
      "spread nginx / Concierge",
      "fixed rate (req/s)",
      "nginx p50 / p99 (ms)",
      "Concierge p50 / p99 (ms)",
      "p99 ratio",
      "peak RSS nginx / Concierge (MB)",
    ],
    ["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"],
    rows,
  );
}

export function openLoopTable(report: BenchReport): string {
  const rows = report.openLoop.map((row) => {
    const failed = (result: OpenLoopResult) => result.errors + result.timedOut;
    return [
      `\`${row.name}\``,
      String(row.workers),
      String(row.connections),
      number(row.ratePerSecond),
      `${number(row.nginx.achievedRatePerSecond)} / ${number(row.concierge.achievedRatePerSecond)}`,
      `${ms(row.nginx.maxSendLagMs)} / ${ms(row.concierge.maxSendLagMs)}`,
      `${ms(row.nginx.maxMs)} / ${ms(row.concierge.maxMs)}`,
      `${failed(row.nginx)} / ${failed(row.concierge)}`,
    ];
  });
  return table(
    [
      "case",
      "workers",
      "conns",
      "target rate",
      "achieved nginx / Concierge",
      "max sender lag (ms)",
      "max latency (ms)",
      "failed",
    ],
    ["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"],
    rows,
  );
}

export function upstreamTable(report: BenchReport): string {
  const perConnection = (reuse: UpstreamReuse) =>
    reuse.requestsPerConnection === null ? `${number(reuse.originRequests)} on none opened` : number(reuse.requestsPerConnection);
  const rows = report.upstream.map((row) => [
    `\`${row.name}\``,
    String(row.workers),
    String(row.connections),
    `${number(row.nginx.connectionsOpened)} / ${number(row.concierge.connectionsOpened)}`,
    `${number(row.nginx.originRequests)} / ${number(row.concierge.originRequests)}`,
    `${perConnection(row.nginx)} / ${perConnection(row.concierge)}`,
  ]);
  return table(
    ["case", "workers", "conns", "upstream connections opened nginx / Concierge", "origin requests", "requests per connection"],
    ["---", "---:", "---:", "---:", "---:", "---:"],
    rows,
  );
}

export function metricsTable(report: BenchReport): string {
  const rows = report.metrics.map((row) => [
    `\`${row.name}\``,
    String(row.workers),
    String(row.connections),
    `${number(row.on.median)} (${number(row.on.min)}–${number(row.on.max)})`,
    `${number(row.off.median)} (${number(row.off.min)}–${number(row.off.max)})`,
    `${row.costPercent >= 0 ? "+" : ""}${row.costPercent.toFixed(1)} %`,
    row.withinSpread ? "none measurable (within the spread)" : "measurable",
  ]);
  return table(
    ["case", "workers", "conns", "metrics on req/s (min–max)", "metrics off req/s (min–max)", "off vs on", "cost"],
    ["---", "---:", "---:", "---:", "---:", "---:", "---"],
    rows,
  );
}

export function propagationTable(result: PropagationResult): string {
  return table(
    ["nodes", "changes", "p50 (ms)", "p99 (ms)", "max (ms)", "missed", "commit p50 / p99 (ms)"],
    ["---:", "---:", "---:", "---:", "---:", "---:", "---:"],
    [
      [
        String(result.nodes),
        String(result.changes),
        ms(result.p50Ms),
        ms(result.p99Ms),
        ms(result.maxMs),
        String(result.missed),
        `${ms(result.commitP50Ms)} / ${ms(result.commitP99Ms)}`,
      ],
    ],
  );
}

export function historyQueryTable(result: HistoryQueryReport): string {
  const { volume } = result;
  const summary =
    `${volume.routes} routes × ${volume.targets / volume.routes} targets, ${volume.nodes} nodes: ` +
    `${number(volume.minuteRows)} minute rollups (${volume.minuteDays} days) and ${number(volume.hourRows)} hour rollups (to day ${volume.hourDays}); ` +
    `${result.repeats} timed runs per view; one node's minute batch (${result.minuteBatch.rows} rows) written in ` +
    `p50 ${ms(result.minuteBatch.p50Ms)} ms, max ${ms(result.minuteBatch.maxMs)} ms.`;
  return `${summary}\n\n${table(
    ["view", "step", "cells", "p50 (ms)", "p99 (ms)", "max (ms)"],
    ["---", "---:", "---:", "---:", "---:", "---:"],
    result.views.map((view) => [view.name, `${view.stepSeconds} s`, number(view.cells), ms(view.p50Ms), ms(view.p99Ms), ms(view.maxMs)]),
  )}`;
}
