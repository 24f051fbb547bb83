/**
 * The benchmark: Concierge against nginx on the same origins, case by case and interleaved, then
 * metrics recording on vs off, config propagation across two nodes and the history query. Started
 * by `npm run bench` (scripts/bench.mjs) once the build is current; what it measures is set by
 * scripts/bench/settings.ts (the full matrix unless narrowed by BENCH_* or flags).
 * Writes `.bench/latest.json` and docs/benchmark.md and prints the tables.
 */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { request } from "undici";

import { createCleanup, type Cleanup } from "./cleanup.ts";
import { configureThroughApi, startProxyNode, startWeb, type BenchConfig } from "./concierge.ts";
import { dropDatabase, openBenchDatabase } from "./database.ts";
import { benchmarkHistoryQuery } from "./history-query.ts";
import { toMarkdown } from "./markdown.ts";
import { samplePeakMemory } from "./memory.ts";
import { startNginx } from "./nginx.ts";
import { runOpenLoopGenerators } from "./open-loop.ts";
import { startOrigins, type Origins } from "./origins.ts";
import { measurePropagation } from "./propagation.ts";
import {
  casesTable,
  compareMetrics,
  historyQueryTable,
  median,
  metricsTable,
  openLoopTable,
  propagationTable,
  SIDES,
  spreadOf,
  upstreamTable,
  type BenchReport,
  type CaseKey,
  type RoundsSpread,
  type Side,
  type UpstreamReuse,
} from "./report.ts";
import { CASES, OPEN_LOOP_WARM_UP_SECONDS, readSettings, type CaseName } from "./settings.ts";
import { runWrk } from "./wrk.ts";

const root = resolve(import.meta.dirname, "../..");
const outputDir = join(root, ".bench");
const jsonFile = join(outputDir, "latest.json");
/** The cases where the cost of recording metrics is measured (with the first worker count and connection count). */
const METRICS_CASES: readonly CaseName[] = ["pass-through", "hit-1k"];

const settings = readSettings(process.argv.slice(2), process.env);

function say(message: string): void {
  process.stdout.write(`[bench] ${message}\n`);
}

/** The first line a tool prints about its version (nginx and wrk print it on stderr; wrk exits 1). */
function version(command: string, args: string[]): string {
  const { stdout, stderr } = spawnSync(command, args, { encoding: "utf8" });
  return `${stdout ?? ""}${stderr ?? ""}`.trim().split("\n")[0] ?? command;
}

interface Server {
  port: number;
  /** Root of the process tree whose memory is sampled. */
  pid: number;
}

/** Cached paths must come from the cache on their third request; the pass-through path never. */
async function checkServer(label: string, server: Server): Promise<void> {
  for (const [name, path] of Object.entries(CASES)) {
    let hit = false;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const { statusCode, headers, body } = await request(`http://127.0.0.1:${server.port}${path}`);
      await body.dump({ limit: 1 << 20 });
      if (statusCode !== 200) throw new Error(`${label} answered ${statusCode} for ${path}`);
      hit = headers["x-cache-status"] === "HIT" || /;\s*hit\b/i.test(String(headers["cache-status"] ?? ""));
    }
    if (name !== "pass-through" && !hit) throw new Error(`${label} did not answer ${path} from its cache`);
    if (name === "pass-through" && hit) throw new Error(`${label} answered ${path} from its cache despite no-store`);
  }
}

interface ClosedLoopRun {
  requestsPerSecond: number;
  errors: number;
  errorDetail: string;
  peakRssMb: number;
  connectionsOpened: number;
  originRequests: number;
}

async function closedLoop(origins: Origins, server: Server, path: string, connections: number, seconds: number): Promise<ClosedLoopRun> {
  const before = await origins.stats();
  const memory = samplePeakMemory(server.pid);
  const result = await runWrk({ url: `http://127.0.0.1:${server.port}${path}`, connections, durationSeconds: seconds });
  const peakRssMb = await memory.stop();
  const after = await origins.stats();
  return {
    requestsPerSecond: result.requestsPerSecond,
    errors: result.errors,
    errorDetail: result.errorDetail,
    peakRssMb,
    connectionsOpened: after.connections - before.connections,
    originRequests: (after.counts[path] ?? 0) - (before.counts[path] ?? 0),
  };
}

/** Rounds of one server and case, summed as the report keeps them. */
class Rounds {
  readonly rates: number[] = [];
  errors = 0;
  peakRssMb = 0;
  connectionsOpened = 0;
  originRequests = 0;

  add(run: ClosedLoopRun): void {
    this.rates.push(run.requestsPerSecond);
    this.errors += run.errors;
    this.peakRssMb = Math.max(this.peakRssMb, run.peakRssMb);
    this.connectionsOpened += run.connectionsOpened;
    this.originRequests += run.originRequests;
  }

  spread(): RoundsSpread {
    return spreadOf(this.rates, this.errors);
  }

  reuse(): UpstreamReuse {
    return {
      connectionsOpened: this.connectionsOpened,
      originRequests: this.originRequests,
      requestsPerConnection: this.connectionsOpened === 0 ? null : this.originRequests / this.connectionsOpened,
    };
  }
}

/** Interleaved rounds (a, b, a, b …) of one case on each of the servers given. */
async function interleaved<K extends string>(
  origins: Origins,
  servers: Record<K, Server>,
  key: CaseKey,
): Promise<Record<K, Rounds>> {
  const labels = Object.keys(servers) as K[];
  const rounds = Object.fromEntries(labels.map((label) => [label, new Rounds()])) as Record<K, Rounds>;
  const path = CASES[key.name];
  for (let round = 1; round <= settings.rounds; round++) {
    for (const label of labels) {
      const run = await closedLoop(origins, servers[label], path, key.connections, settings.durationSeconds);
      rounds[label].add(run);
      if (run.errors > 0) say(`${label} ${key.name} c${key.connections}: ${run.errorDetail}`);
    }
  }
  return rounds;
}

/** Fills the caches and opens the upstream connections the case will use, so the rounds see steady load. */
async function warmUp(origins: Origins, servers: Server[], key: CaseKey): Promise<void> {
  for (const server of servers) await closedLoop(origins, server, CASES[key.name], key.connections, settings.warmUpSeconds);
}

async function measureCase(origins: Origins, servers: Record<Side, Server>, key: CaseKey, report: BenchReport): Promise<void> {
  const rounds = await interleaved(origins, servers, key);
  const rps = { nginx: median(rounds.nginx.rates), concierge: median(rounds.concierge.rates) };

  // Half the slower side's median: a rate both sustain, so latency is not just throughput mirrored.
  const ratePerSecond = Math.max(1, Math.round(Math.min(settings.maxRate, rps.nginx / 2, rps.concierge / 2)));
  const loop = { ...key, ratePerSecond } as BenchReport["openLoop"][number];
  const rss: Record<Side, number> = { nginx: rounds.nginx.peakRssMb, concierge: rounds.concierge.peakRssMb };
  for (const side of SIDES) {
    const memory = samplePeakMemory(servers[side].pid);
    const openLoop = (durationSeconds: number) =>
      runOpenLoopGenerators({
        root,
        url: `http://127.0.0.1:${servers[side].port}${CASES[key.name]}`,
        ratePerSecond,
        durationSeconds,
        connections: key.connections,
        generators: settings.generators,
      });
    await openLoop(OPEN_LOOP_WARM_UP_SECONDS);
    loop[side] = await openLoop(settings.openLoopSeconds);
    rss[side] = Math.max(rss[side], await memory.stop());
  }

  const figures = (side: Side) => ({ rps: rps[side], p50Ms: loop[side].p50Ms, p99Ms: loop[side].p99Ms, rssMb: rss[side] });
  report.cases.push({ ...key, concierge: figures("concierge"), nginx: figures("nginx"), ratio: rps.concierge / rps.nginx });
  report.spread.push({ ...key, nginx: rounds.nginx.spread(), concierge: rounds.concierge.spread() });
  report.upstream.push({ ...key, nginx: rounds.nginx.reuse(), concierge: rounds.concierge.reuse() });
  report.openLoop.push(loop);
  if (key.name !== "pass-through")
    report.originLoad.push({ ...key, nginx: rounds.nginx.originRequests, concierge: rounds.concierge.originRequests });
  say(
    `${key.workers}w ${key.name} c${key.connections}: nginx ${Math.round(rps.nginx)} req/s, Concierge ${Math.round(rps.concierge)} req/s` +
      ` (${(rps.concierge / rps.nginx).toFixed(2)}); @${loop.concierge.achievedRatePerSecond.toFixed(0)}/s p99 nginx ${loop.nginx.p99Ms.toFixed(2)} ms,` +
      ` Concierge ${loop.concierge.p99Ms.toFixed(2)} ms`,
  );
}

/** Concierge with metrics on and off, same case, interleaved: the cost of recording. */
async function measureMetricsCost(origins: Origins, servers: Record<"on" | "off", Server>, key: CaseKey, report: BenchReport): Promise<void> {
  await warmUp(origins, [servers.on, servers.off], key);
  const rounds = await interleaved(origins, servers, key);
  const comparison = compareMetrics(key, rounds.on.spread(), rounds.off.spread());
  report.metrics.push(comparison);
  say(
    `metrics ${key.name} c${key.connections}: on ${Math.round(comparison.on.median)}, off ${Math.round(comparison.off.median)} req/s` +
      ` (${comparison.withinSpread ? "within the spread" : "measurable"})`,
  );
}

async function measureWorkers(
  cleanup: Cleanup,
  workers: number,
  context: { origins: Origins; databaseUrl: string; dataDir: string; config: BenchConfig },
  report: BenchReport,
): Promise<void> {
  const mark = cleanup.mark();
  try {
    const proxyOptions = {
      root,
      databaseUrl: context.databaseUrl,
      workers,
      minRevision: context.config.revision,
    };
    const nginx = await startNginx(cleanup, { workers, originPorts: context.origins.ports });
    const concierge = await startProxyNode(cleanup, {
      ...proxyOptions,
      dataDir: join(context.dataDir, `proxy-${workers}`),
      nodeId: `bench-${workers}w`,
    });
    const servers: Record<Side, Server> = { nginx, concierge };
    for (const side of SIDES) await checkServer(side, servers[side]);
    say(`${workers} worker(s): both sides answer the cached paths from their caches`);

    for (const name of settings.cases) {
      for (const connections of settings.connections) {
        const key = { name, connections, workers };
        await warmUp(context.origins, [nginx, concierge], key);
        await measureCase(context.origins, servers, key, report);
      }
    }

    const metricsCases = settings.cases.filter((name) => METRICS_CASES.includes(name));
    if (workers === settings.workers[0] && metricsCases.length > 0) {
      // Both sides start afresh: the node that ran the matrix has a fuller heap and cache than a new one.
      await concierge.stop();
      const [withMetrics, withoutMetrics] = await Promise.all(
        (["on", "off"] as const).map((metrics) =>
          startProxyNode(cleanup, {
            ...proxyOptions,
            dataDir: join(context.dataDir, `proxy-${workers}-metrics-${metrics}`),
            nodeId: `bench-${workers}w-metrics-${metrics}`,
            metrics,
          }),
        ),
      );
      await checkServer("Concierge with metrics", withMetrics!);
      await checkServer("Concierge without metrics", withoutMetrics!);
      for (const name of metricsCases) {
        await measureMetricsCost(
          context.origins,
          { on: withMetrics!, off: withoutMetrics! },
          { name, connections: settings.connections[0]!, workers },
          report,
        );
      }
    }
  } finally {
    await cleanup.runSince(mark);
  }
}

async function previousReport(): Promise<BenchReport | undefined> {
  try {
    return JSON.parse(await readFile(jsonFile, "utf8")) as BenchReport;
  } catch {
    return undefined;
  }
}

function printTables(report: BenchReport): void {
  const tables: string[] = [];
  if (report.cases.length > 0) tables.push(casesTable(report), openLoopTable(report), upstreamTable(report));
  if (report.metrics.length > 0) tables.push(metricsTable(report));
  if (report.propagation) tables.push(propagationTable(report.propagation));
  if (report.historyQuery) tables.push(historyQueryTable(report.historyQuery));
  process.stdout.write(`\n${tables.join("\n\n")}\n\nwritten: docs/benchmark.md, .bench/latest.json\n`);
}

async function main(cleanup: Cleanup): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), "concierge-bench-"));
  cleanup.defer("bench data folder", () => rm(dataDir, { recursive: true, force: true }));

  say("starting the origins and the database");
  const origins = await startOrigins(cleanup, root);
  const database = await openBenchDatabase(cleanup, join(dataDir, "installation"));

  const { propagationOnly, ...reportedSettings } = settings;
  let report: BenchReport = {
    cases: [],
    date: new Date().toISOString(),
    machine: {
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model.trim() ?? "unknown",
      node: process.version,
      nginx: version("nginx", ["-v"]),
      wrk: version("wrk", ["-v"]).replace(/\s+Copyright.*$/, ""),
      database: database.kind === "embedded" ? "embedded PostgreSQL" : "PostgreSQL at TEST_DATABASE_URL/DATABASE_URL",
    },
    loadAverageAtStart: loadavg()[0]!,
    settings: reportedSettings,
    spread: [],
    upstream: [],
    openLoop: [],
    originLoad: [],
    metrics: [],
  };

  if (propagationOnly) {
    const previous = await previousReport();
    if (previous) report = { ...previous, machine: report.machine };
  } else {
    say("starting the web server and configuring Concierge through its API");
    const web = await startWeb(cleanup, { root, databaseUrl: database.url, dataDir: join(dataDir, "installation") });
    const config = await configureThroughApi(web, origins.urls);
    say(`configured: revision ${config.revision}`);
    for (const workers of settings.workers)
      await measureWorkers(cleanup, workers, { origins, databaseUrl: database.url, dataDir, config }, report);
  }

  say(`config propagation: ${settings.changes} changes across 2 nodes`);
  report.propagation = await measurePropagation(cleanup, {
    root,
    databaseUrl: database.url,
    dataDir: join(dataDir, "propagation"),
    changes: settings.changes,
    originUrl: origins.urls[0]!,
  });

  if (settings.historyQuery) {
    say("history query: seeding a throwaway database with traffic history and timing the dashboard's views");
    // It drops its database when it finishes; this covers a run stopped while it seeds.
    cleanup.defer("history query database", () => dropDatabase(database.url, `concierge_history_bench_${process.pid}`));
    report.historyQuery = await benchmarkHistoryQuery({
      serverUrl: database.url,
      log: (message) => say(`history query: ${message}`),
    });
  }

  report.loadAverageAtEnd = loadavg()[0]!;
  await mkdir(outputDir, { recursive: true });
  await writeFile(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(root, "docs", "benchmark.md"), toMarkdown(report));
  printTables(report);
}

const cleanup = createCleanup();
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    say(`${signal}: stopping everything`);
    void cleanup.runAll().then(() => process.exit(130));
  });
}

try {
  await main(cleanup);
  await cleanup.runAll();
} catch (error) {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await cleanup.runAll();
  process.exit(1);
}
