/**
 * The benchmark: Concierge against nginx on the same origins, then config propagation across two
 * nodes. Started by `npm run bench` (scripts/bench.mjs) once the build is current.
 *
 *   --quick           1 round of 3 s, one worker count, short open loop (a smoke run)
 *   --rounds N        rounds per side and case (default 3)
 *   --duration S      seconds per wrk run (default 10)
 *   --workers 1,2     worker counts (default 1,2)
 *   --max-rate R      cap of the open-loop rate (default 1000 req/s: the generator is one Node process)
 *   --changes N       config changes for propagation (default 200)
 *   --propagation     only the propagation section
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

import { request } from "undici";

import { createCleanup, type Cleanup } from "./cleanup.ts";
import { configureThroughApi, startProxyNode, startWeb, type BenchConfig } from "./concierge.ts";
import { openBenchDatabase } from "./database.ts";
import { startOrigins, type Origins } from "./origins.ts";
import { startNginx } from "./nginx.ts";
import type { OpenLoopResult } from "./open-loop.ts";
import { measurePropagation } from "./propagation.ts";
import {
  latencyTable,
  median,
  originLoadTable,
  propagationTable,
  throughputTable,
  toMarkdown,
  type BenchReport,
  type LatencyCase,
  type OriginLoad,
  type Side,
  type ThroughputCase,
} from "./report.ts";
import { runWrk } from "./wrk.ts";

const root = resolve(import.meta.dirname, "../..");
const PATHS = ["/1k", "/100k", "/nostore"] as const;
const CACHED_PATHS = new Set(["/1k", "/100k"]);
const CONNECTIONS = [64, 256] as const;
const SIDES: Side[] = ["nginx", "concierge"];

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    duration: { type: "string" },
    workers: { type: "string" },
    "max-rate": { type: "string", default: "1000" },
    changes: { type: "string", default: "200" },
    propagation: { type: "boolean", default: false },
  },
});
const quick = args.quick;
const settings = {
  quick,
  rounds: Number(args.rounds ?? (quick ? 1 : 3)),
  durationSeconds: Number(args.duration ?? (quick ? 3 : 10)),
  workers: (args.workers ?? (quick ? "1" : "1,2")).split(",").map(Number),
  openLoopSeconds: quick ? 2 : 5,
};
const warmUpSeconds = Math.max(1, Math.min(2, Math.floor(settings.durationSeconds / 3)));
const maxRate = Number(args["max-rate"]);
const changes = Number(args.changes);
for (const [name, value] of Object.entries({
  rounds: settings.rounds,
  duration: settings.durationSeconds,
  maxRate,
  changes,
})) {
  if (!Number.isFinite(value) || value < 1) throw new Error(`--${name} must be a positive number`);
}
if (settings.workers.some((count) => !Number.isInteger(count) || count < 1))
  throw new Error("--workers takes whole numbers, e.g. 1,2");

function say(message: string): void {
  process.stdout.write(`[bench] ${message}\n`);
}

/** The first line a tool prints about its version (nginx and wrk print it on stderr; wrk exits 1). */
function version(command: string, args: string[]): string {
  const { stdout, stderr } = spawnSync(command, args, { encoding: "utf8" });
  return `${stdout ?? ""}${stderr ?? ""}`.trim().split("\n")[0] ?? command;
}

/** A cached path must come from the cache on its third request; /nostore never. */
async function checkSide(side: Side, port: number): Promise<void> {
  for (const path of PATHS) {
    let hit = false;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const { statusCode, headers, body } = await request(`http://127.0.0.1:${port}${path}`);
      await body.dump({ limit: 1 << 20 });
      if (statusCode !== 200) throw new Error(`${side} answered ${statusCode} for ${path}`);
      const status = String(
        side === "nginx" ? (headers["x-cache-status"] ?? "") : (headers["cache-status"] ?? ""),
      );
      hit = side === "nginx" ? status === "HIT" : /;\s*hit\b/i.test(status);
      if (side === "concierge" && status === "")
        throw new Error(`Concierge sent no Cache-Status for ${path}`);
    }
    if (CACHED_PATHS.has(path) && !hit)
      throw new Error(`${side} did not answer ${path} from its cache`);
    if (!CACHED_PATHS.has(path) && hit)
      throw new Error(`${side} answered ${path} from its cache despite no-store`);
  }
}

function openLoop(url: string, ratePerSecond: number): OpenLoopResult {
  const output = execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      join(root, "scripts/bench/open-loop.ts"),
      url,
      String(ratePerSecond),
      String(settings.openLoopSeconds),
    ],
    { cwd: root, encoding: "utf8", timeout: (settings.openLoopSeconds + 30) * 1000 },
  );
  return JSON.parse(output.trim().split("\n").at(-1)!) as OpenLoopResult;
}

async function measureWorkers(
  cleanup: Cleanup,
  workers: number,
  context: { origins: Origins; databaseUrl: string; dataDir: string; config: BenchConfig },
  report: BenchReport,
): Promise<void> {
  const mark = cleanup.mark();
  try {
    const nginx = await startNginx(cleanup, { workers, originPorts: context.origins.ports });
    const proxy = await startProxyNode(cleanup, {
      root,
      databaseUrl: context.databaseUrl,
      dataDir: join(context.dataDir, `proxy-${workers}`),
      nodeId: `bench-${workers}w`,
      workers,
      minRevision: context.config.revision,
    });
    const ports: Record<Side, number> = { nginx: nginx.port, concierge: proxy.port };
    for (const side of SIDES) await checkSide(side, ports[side]);
    say(`${workers} worker(s): both sides answer the cached paths from their caches`);

    for (const path of PATHS) {
      const originRequests: Record<Side, number> = { nginx: 0, concierge: 0 };
      const measure = async (side: Side, connections: number, seconds: number) => {
        const before = (await context.origins.counts())[path] ?? 0;
        const result = await runWrk({
          url: `http://127.0.0.1:${ports[side]}${path}`,
          connections,
          durationSeconds: seconds,
        });
        originRequests[side] += ((await context.origins.counts())[path] ?? 0) - before;
        return result;
      };
      for (const side of SIDES) await measure(side, CONNECTIONS.at(-1)!, warmUpSeconds);

      const maxima: Record<Side, number> = {
        nginx: Number.POSITIVE_INFINITY,
        concierge: Number.POSITIVE_INFINITY,
      };
      for (const connections of CONNECTIONS) {
        const row: ThroughputCase = {
          workers,
          path,
          connections,
          rounds: { nginx: [], concierge: [] },
          median: { nginx: 0, concierge: 0 },
          errors: { nginx: 0, concierge: 0 },
        };
        for (let round = 1; round <= settings.rounds; round++) {
          for (const side of SIDES) {
            const result = await measure(side, connections, settings.durationSeconds);
            row.rounds[side].push(result.requestsPerSecond);
            row.errors[side] += result.errors;
            if (result.errors > 0) say(`${side} ${path} c${connections}: ${result.errorDetail}`);
          }
        }
        for (const side of SIDES) row.median[side] = median(row.rounds[side]);
        if (connections === CONNECTIONS[0])
          for (const side of SIDES) maxima[side] = row.median[side];
        report.throughput.push(row);
        say(
          `${workers}w ${path} c${connections}: nginx ${Math.round(row.median.nginx)} req/s, Concierge ${Math.round(row.median.concierge)} req/s` +
            ` (${(row.median.concierge / row.median.nginx).toFixed(2)}), errors ${row.errors.nginx}/${row.errors.concierge}`,
        );
      }

      const ratePerSecond = Math.max(
        1,
        Math.round(Math.min(maxRate, maxima.nginx / 2, maxima.concierge / 2)),
      );
      const latency: LatencyCase = {
        workers,
        path,
        ratePerSecond,
        results: {} as Record<Side, OpenLoopResult>,
      };
      for (const side of SIDES)
        latency.results[side] = openLoop(`http://127.0.0.1:${ports[side]}${path}`, ratePerSecond);
      report.latency.push(latency);
      const { nginx: n, concierge: c } = latency.results;
      say(
        `${workers}w ${path} @${ratePerSecond}/s: nginx p50 ${n.p50Ms.toFixed(2)} p99 ${n.p99Ms.toFixed(2)} ms, Concierge p50 ${c.p50Ms.toFixed(2)} p99 ${c.p99Ms.toFixed(2)} ms`,
      );
      report.originLoad.push({ workers, path, requests: originRequests } satisfies OriginLoad);
      if (
        CACHED_PATHS.has(path) &&
        Math.max(originRequests.nginx, originRequests.concierge) > 10 * workers
      ) {
        say(
          `warning: ${path} reached the origins ${originRequests.nginx} (nginx) / ${originRequests.concierge} (Concierge) times`,
        );
      }
    }
  } finally {
    await cleanup.runSince(mark);
  }
}

async function previousReport(file: string): Promise<BenchReport | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as BenchReport;
  } catch {
    return undefined;
  }
}

async function main(cleanup: Cleanup): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), "concierge-bench-"));
  cleanup.defer("bench data folder", () => rm(dataDir, { recursive: true, force: true }));

  say("starting the origins and the database");
  const origins = await startOrigins(cleanup, root);
  const database = await openBenchDatabase(cleanup, join(dataDir, "installation"));

  const outputDir = join(root, ".concierge", "bench");
  const jsonFile = join(outputDir, "last.json");
  const report: BenchReport = {
    machine: {
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model.trim() ?? "unknown",
      node: process.version,
      nginx: version("nginx", ["-v"]),
      wrk: version("wrk", ["-v"]).replace(/\s+Copyright.*$/, ""),
      database:
        database.kind === "embedded"
          ? "embedded PostgreSQL"
          : "PostgreSQL at TEST_DATABASE_URL/DATABASE_URL",
    },
    date: new Date().toISOString(),
    loadAverageAtStart: loadavg()[0]!,
    settings,
    throughput: [],
    latency: [],
    originLoad: [],
  };

  if (args.propagation) {
    const previous = await previousReport(jsonFile);
    if (previous)
      Object.assign(report, { ...previous, propagation: undefined, machine: report.machine });
  } else {
    say("starting the web server and configuring Concierge through its API");
    const web = await startWeb(cleanup, {
      root,
      databaseUrl: database.url,
      dataDir: join(dataDir, "installation"),
    });
    const config = await configureThroughApi(
      web,
      origins.ports.map((port) => `http://127.0.0.1:${port}`),
    );
    say(`configured: revision ${config.revision}`);
    for (const workers of settings.workers) {
      await measureWorkers(
        cleanup,
        workers,
        { origins, databaseUrl: database.url, dataDir, config },
        report,
      );
    }
  }

  say(`config propagation: ${changes} changes across 2 nodes`);
  report.propagation = await measurePropagation(cleanup, {
    root,
    databaseUrl: database.url,
    dataDir: join(dataDir, "propagation"),
    changes,
    originUrl: `http://127.0.0.1:${origins.ports[0]}`,
  });

  await mkdir(outputDir, { recursive: true });
  await writeFile(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(root, "docs", "benchmark.md"), toMarkdown(report));

  const tables = [];
  if (report.throughput.length > 0)
    tables.push(throughputTable(report), latencyTable(report), originLoadTable(report));
  tables.push(propagationTable(report.propagation));
  process.stdout.write(
    `\n${tables.join("\n\n")}\n\nwritten: docs/benchmark.md, .concierge/bench/last.json\n`,
  );
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
  process.stderr.write(
    `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  await cleanup.runAll();
  process.exit(1);
}
