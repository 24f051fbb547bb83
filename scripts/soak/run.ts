/**
 * The soak run: one proxy node under steady mixed traffic and steady config churn for a fixed
 * time, sampled every 10 s; PASS when the worker's memory stays flat after the warm-up. Started by
 * `npm run soak` (scripts/soak.mjs) once the build is current.
 *
 *   --minutes N   length of the run (default 30)
 *   --rate R      requests per second (default 300)
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

import { createCleanup, type Cleanup } from "../bench/cleanup.ts";
import {
  callApi,
  readyRevision,
  signIn,
  startProxyNode,
  startWeb,
  type WebServer,
} from "../bench/concierge.ts";
import { openBenchDatabase } from "../bench/database.ts";
import { startOrigins } from "../bench/origins.ts";
import { percentile } from "../bench/open-loop.ts";
import { startConfigChurn, type SoakConfig } from "./config-churn.ts";
import { startMixedTraffic, type TrafficMix } from "./mixed-traffic.ts";
import { childPids, residentMiB } from "./process-memory.ts";
import {
  judgeMemory,
  samplesTable,
  toMarkdown,
  verdictLine,
  type SoakReport,
  type SoakSample,
} from "./report.ts";

const root = resolve(import.meta.dirname, "../..");
const MIX: TrafficMix[] = [
  { path: "/1k", weight: 60 },
  { path: "/nostore", weight: 30 },
  { path: "/100k", weight: 10 },
];
const SAMPLE_SECONDS = 10;
const CHANGE_PERIOD_MS = 3_000;
const WARM_UP_SECONDS = 300;
const RSS_GROWTH_BOUND_PERCENT = 10;

const { values: args } = parseArgs({
  options: {
    minutes: { type: "string", default: "30" },
    rate: { type: "string", default: "300" },
  },
});
const minutes = Number(args.minutes);
const ratePerSecond = Number(args.rate);
if (!(minutes > 0) || !(ratePerSecond > 0))
  throw new Error("--minutes and --rate must be positive numbers");
const durationSeconds = Math.round(minutes * 60);
// Short smoke runs judge against their first half, so a verdict always compares two distinct points.
const warmUpSeconds = Math.min(WARM_UP_SECONDS, durationSeconds / 2);

function say(message: string): void {
  process.stdout.write(`[soak] ${message}\n`);
}


/** A pool of the three origins and one route per path, as an operator would set them up. */
async function configure(
  web: WebServer,
  bearer: Record<string, string>,
  originUrls: string[],
): Promise<SoakConfig> {
  const { json: pool } = await callApi<{ id: string }>(
    web,
    "POST",
    "/api/v1/pools",
    {
      name: "soak-origins",
      algorithm: "round_robin",
      targets: originUrls.map((url) => ({ url, weight: 1 })),
      healthCheck: { path: "/healthz", intervalMs: 5_000 },
    },
    bearer,
  );
  const routes = {} as SoakConfig["routes"];
  let revision = 0;
  for (const path of ["/1k", "/nostore", "/100k"] as const) {
    const { json: route } = await callApi<{ id: string; revision: number }>(
      web,
      "POST",
      "/api/v1/routes",
      {
        name: `soak${path.replace("/", "-")}`,
        hosts: ["*"],
        pathPrefix: path,
        poolId: pool.id,
        cache: { enabled: path !== "/nostore" },
      },
      bearer,
    );
    routes[path] = route.id;
    revision = route.revision;
  }
  return { poolId: pool.id, routes, originUrls, revision };
}

async function main(cleanup: Cleanup): Promise<boolean> {
  const dataDir = await mkdtemp(join(tmpdir(), "concierge-soak-"));
  cleanup.defer("soak data folder", () => rm(dataDir, { recursive: true, force: true }));

  say("starting the origins and the database");
  const originUrls = (await startOrigins(cleanup, root)).urls;
  const database = await openBenchDatabase(cleanup, join(dataDir, "installation"));

  say("starting the web server and configuring Concierge through its API");
  const web = await startWeb(cleanup, {
    root,
    databaseUrl: database.url,
    dataDir: join(dataDir, "installation"),
  });
  const bearer = await signIn(web, "soak");
  const config = await configure(web, bearer, originUrls);
  const proxy = await startProxyNode(cleanup, {
    root,
    databaseUrl: database.url,
    dataDir: join(dataDir, "proxy"),
    nodeId: "soak",
    workers: 1,
    minRevision: config.revision,
  });
  say(
    `proxy serving revision ${config.revision}; ${minutes} min at ${ratePerSecond} req/s, a config change every ${CHANGE_PERIOD_MS / 1000} s`,
  );

  const traffic = startMixedTraffic({
    origin: `http://127.0.0.1:${proxy.port}`,
    mix: MIX,
    ratePerSecond,
    durationSeconds,
  });
  cleanup.defer("traffic", () => traffic.stop());
  const churn = startConfigChurn({ web, bearer, config, periodMs: CHANGE_PERIOD_MS });
  cleanup.defer("config churn", () => churn.stop());

  const samples: SoakSample[] = [];
  const startedAt = performance.now();
  let requestsDone = 0;
  let lastSampleAt = startedAt;
  say(samplesTable([]).split("\n")[0]!);
  for (let sample = 1; sample * SAMPLE_SECONDS <= durationSeconds; sample++) {
    await new Promise((done) =>
      setTimeout(done, startedAt + sample * SAMPLE_SECONDS * 1000 - performance.now()),
    );
    const now = performance.now();
    const window = traffic.takeWindow();
    requestsDone += window.completed;
    const [worker] = await childPids(proxy.pid);
    const row: SoakSample = {
      atSeconds: (now - startedAt) / 1000,
      workerRssMiB: worker === undefined ? null : await residentMiB(worker),
      primaryRssMiB: await residentMiB(proxy.pid),
      requestsPerSecond: (window.completed + window.errors) / ((now - lastSampleAt) / 1000),
      p50Ms: window.p50Ms,
      p99Ms: window.p99Ms,
      errors: window.errors,
      requestsDone,
      servedRevision: await readyRevision(proxy.adminPort).catch(() => null),
      committedRevision: churn.stats.revision,
      loadAverage: loadavg()[0]!,
      errorSamples: window.errorSamples,
    };
    lastSampleAt = now;
    samples.push(row);
    say(samplesTable([row]).split("\n")[2]!);
    for (const description of window.errorSamples) say(`  error: ${description}`);
  }

  await churn.stop();
  const totals = await traffic.finished;
  const durations = Float64Array.from(churn.stats.durationsMs).sort();
  const { durationsMs: _durations, ...churnCounts } = churn.stats;
  const report: SoakReport = {
    machine: {
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model.trim() ?? "unknown",
      node: process.version,
      database:
        database.kind === "embedded"
          ? "embedded PostgreSQL"
          : "PostgreSQL at TEST_DATABASE_URL/DATABASE_URL",
    },
    date: new Date().toISOString(),
    settings: {
      minutes,
      ratePerSecond,
      mix: MIX.map(({ path, weight }) => `${weight}% ${path}`).join(", "),
      changePeriodMs: CHANGE_PERIOD_MS,
      sampleSeconds: SAMPLE_SECONDS,
      workers: 1,
    },
    samples,
    traffic: totals,
    churn: {
      ...churnCounts,
      p50Ms: percentile(durations, 0.5),
      p99Ms: percentile(durations, 0.99),
    },
    verdict: judgeMemory(samples, warmUpSeconds, RSS_GROWTH_BOUND_PERCENT),
  };

  const outputDir = join(root, ".concierge", "soak");
  await mkdir(outputDir, { recursive: true });
  await writeFile(join(outputDir, "last.json"), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(root, "docs", "soak.md"), toMarkdown(report));

  say(
    `requests: ${totals.completed} answered, ${totals.errors} errors, ${totals.unanswered} unanswered; ` +
      `config changes: ${churn.stats.changes} applied, ${churn.stats.failed} failed`,
  );
  for (const failure of churn.stats.failures) say(`  failed change: ${failure}`);
  say(verdictLine(report.verdict));
  say("written: docs/soak.md, .concierge/soak/last.json");
  return report.verdict.pass;
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
  const pass = await main(cleanup);
  await cleanup.runAll();
  process.exit(pass ? 0 : 1);
} catch (error) {
  process.stderr.write(
    `[soak] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  await cleanup.runAll();
  process.exit(1);
}
