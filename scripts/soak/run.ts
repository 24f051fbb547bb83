/**
 * The soak run: one proxy node under steady mixed traffic and steady config churn for a fixed
 * time, sampled every 10 s; PASS when the worker's memory stays flat after the warm-up. Started by
 * `npm run soak` (scripts/soak.mjs) once the build is current.
 *
 *   --minutes N   length of the run (default 30)
 *   --rate R      requests per second (default 300)
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

import type { Cleanup } from "../bench/cleanup.ts";
import { readyRevision } from "../bench/concierge.ts";
import { percentile } from "../bench/open-loop.ts";
import { startConfigChurn } from "./config-churn.ts";
import { startMixedTraffic } from "./mixed-traffic.ts";
import { childPids, residentMiB } from "./process-memory.ts";
import {
  dashboardSectionOf,
  judgeMemory,
  samplesTable,
  toMarkdown,
  verdictLine,
  withDashboardSection,
  type SoakReport,
  type SoakSample,
} from "./report.ts";
import { MIX, root, runSoak, startSoakStack } from "./soak-stack.ts";

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


async function main(cleanup: Cleanup): Promise<boolean> {
  const { database, web, bearer, config, proxy } = await startSoakStack(cleanup, { root, say, liveDashboard: false });
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
  const docPath = join(root, "docs", "soak.md");
  const previous = await readFile(docPath, "utf8").catch(() => "");
  const dashboard = dashboardSectionOf(previous);
  await writeFile(docPath, dashboard === "" ? toMarkdown(report) : withDashboardSection(toMarkdown(report), dashboard));

  say(
    `requests: ${totals.completed} answered, ${totals.errors} errors, ${totals.unanswered} unanswered; ` +
      `config changes: ${churn.stats.changes} applied, ${churn.stats.failed} failed`,
  );
  for (const failure of churn.stats.failures) say(`  failed change: ${failure}`);
  say(verdictLine(report.verdict));
  say("written: docs/soak.md, .concierge/soak/last.json");
  return report.verdict.pass;
}

await runSoak("soak", main);
