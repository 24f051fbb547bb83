/**
 * What one benchmark run measures: the full matrix by default, narrowed for a quick run by
 * environment variables or the equivalent flags (a flag wins over the variable):
 *
 *   BENCH_CASES        --cases         pass-through,hit-1k,hit-100k
 *   BENCH_CONNECTIONS  --connections   64,256
 *   BENCH_WORKERS      --workers       1,2
 *   BENCH_ROUNDS       --rounds        3 interleaved rounds per side and case
 *   BENCH_SECONDS      --duration      10 s per wrk run
 *   BENCH_OPEN_LOOP_SECONDS            5 s of open loop per side and case
 *   BENCH_GENERATORS                   2 open-loop generator processes
 *   BENCH_MAX_RATE     --max-rate      4000 req/s cap of the open-loop rate (what two generators kept up on
 *                                      2 shared cores: nginx answered 3.5k/s at p99 17 ms, 12.5k/s queued in the generators)
 *   BENCH_CHANGES      --changes       200 config changes for propagation
 *   BENCH_HISTORY_QUERY                on: the traffic history query at volume (off skips its minutes of seeding)
 *   --quick            1 round of 3 s, 1 worker, 64 connections, 2 s of open loop
 *   --propagation      only config propagation and the history query (the rest kept from the last run)
 */
import { parseArgs } from "node:util";

/**
 * Each side gets an unrecorded open loop this long before its measured one: the first half second
 * of the generators' requests after wrk's once stalled Concierge for up to ~130 ms. Why is not
 * pinned down; sending that traffic once first removed the stall in every run.
 */
export const OPEN_LOOP_WARM_UP_SECONDS = 2;

export const CASES = {
  "pass-through": "/nostore",
  "hit-1k": "/1k",
  "hit-100k": "/100k",
} as const;
export type CaseName = keyof typeof CASES;

export interface BenchSettings {
  cases: CaseName[];
  connections: number[];
  workers: number[];
  rounds: number;
  durationSeconds: number;
  warmUpSeconds: number;
  openLoopSeconds: number;
  generators: number;
  maxRate: number;
  changes: number;
  historyQuery: boolean;
  quick: boolean;
  propagationOnly: boolean;
}

function positiveInteger(source: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${source} must be a whole number ≥ 1, got "${raw}"`);
  return value;
}

function list<T>(source: string, raw: string, parse: (item: string) => T): T[] {
  const items = raw.split(",").map((item) => item.trim()).filter(Boolean);
  if (items.length === 0) throw new Error(`${source} is empty`);
  return items.map(parse);
}

function onOff(source: string, raw: string): boolean {
  if (raw === "on" || raw === "off") return raw === "on";
  throw new Error(`${source} must be on or off, got "${raw}"`);
}

function caseName(source: string, raw: string): CaseName {
  if (raw in CASES) return raw as CaseName;
  throw new Error(`${source}: unknown case "${raw}" (known: ${Object.keys(CASES).join(", ")})`);
}

export function readSettings(argv: string[], env: NodeJS.ProcessEnv): BenchSettings {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      propagation: { type: "boolean", default: false },
      cases: { type: "string" },
      connections: { type: "string" },
      workers: { type: "string" },
      rounds: { type: "string" },
      duration: { type: "string" },
      "max-rate": { type: "string" },
      changes: { type: "string" },
    },
  });
  const quick = flags.quick ?? false;
  /** The flag, else the variable, else the default: parsed with the name the value came from. */
  const pick = <T>(flag: string | undefined, variable: string, fallback: string, parse: (source: string, raw: string) => T): T => {
    if (flag !== undefined) return parse(`--${variable.replace(/^BENCH_/, "").toLowerCase()}`, flag);
    const fromEnv = env[variable];
    if (fromEnv !== undefined && fromEnv !== "") return parse(variable, fromEnv);
    return parse(`default of ${variable}`, fallback);
  };

  const durationSeconds = pick(flags.duration, "BENCH_SECONDS", quick ? "3" : "10", positiveInteger);
  return {
    cases: pick(flags.cases, "BENCH_CASES", Object.keys(CASES).join(","), (source, raw) =>
      list(source, raw, (item) => caseName(source, item)),
    ),
    connections: pick(flags.connections, "BENCH_CONNECTIONS", quick ? "64" : "64,256", (source, raw) =>
      list(source, raw, (item) => positiveInteger(source, item)),
    ),
    workers: pick(flags.workers, "BENCH_WORKERS", quick ? "1" : "1,2", (source, raw) =>
      list(source, raw, (item) => positiveInteger(source, item)),
    ),
    rounds: pick(flags.rounds, "BENCH_ROUNDS", quick ? "1" : "3", positiveInteger),
    durationSeconds,
    warmUpSeconds: Math.max(1, Math.min(3, Math.floor(durationSeconds / 3))),
    openLoopSeconds: pick(undefined, "BENCH_OPEN_LOOP_SECONDS", quick ? "2" : "5", positiveInteger),
    generators: pick(undefined, "BENCH_GENERATORS", "2", positiveInteger),
    maxRate: pick(flags["max-rate"], "BENCH_MAX_RATE", "4000", positiveInteger),
    changes: pick(flags.changes, "BENCH_CHANGES", "200", positiveInteger),
    historyQuery: pick(undefined, "BENCH_HISTORY_QUERY", "on", onOff),
    quick,
    propagationOnly: flags.propagation ?? false,
  };
}
