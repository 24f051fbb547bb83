/**
 * The dashboard's memory soak: the live overview open in headless Chromium while traffic runs
 * through a proxy node that pushes its ticks to the web, for a bounded time. Every sample forces
 * a garbage collection, then reads the page's JS heap (CDP Performance.getMetrics); the verdict is
 * the slope of the heap after the warm-up. Started by `npm run soak -- --dashboard`.
 *
 *   SOAK_DASHBOARD_MINUTES          length of the run (default 60)
 *   SOAK_DASHBOARD_SAMPLE_SECONDS   time between samples (default 30)
 *   SOAK_DASHBOARD_RATE             requests per second through the proxy (default 100)
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { availableParallelism, cpus } from "node:os";
import { join } from "node:path";

import { LIVE_HISTORY_MS } from "@concierge/config/realtime";
import type { CDPSession, Page } from "playwright-core";

import { launchBrowser } from "../../apps/web/e2e/browser.ts";
import type { Cleanup } from "../bench/cleanup.ts";
import { BENCH_ADMIN } from "../bench/database.ts";
import { startMixedTraffic } from "./mixed-traffic.ts";
import {
  dashboardMarkdown,
  heapSamplesTable,
  heapVerdictLine,
  judgeHeap,
  withDashboardSection,
  type DashboardReport,
  type HeapSample,
} from "./report.ts";
import { MIX, root, runSoak, startSoakStack } from "./soak-stack.ts";

/** The overview keeps this much tick history; the heap may grow until it is full. */
const HISTORY_SECONDS = LIVE_HISTORY_MS / 1000;
const HEAP_GROWTH_BOUND_MIB_PER_HOUR = 2;
const MIB = 1024 * 1024;

function positiveFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!(value > 0)) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return value;
}

const minutes = positiveFromEnv("SOAK_DASHBOARD_MINUTES", 60);
const sampleSeconds = positiveFromEnv("SOAK_DASHBOARD_SAMPLE_SECONDS", 30);
const ratePerSecond = positiveFromEnv("SOAK_DASHBOARD_RATE", 100);
const durationSeconds = Math.round(minutes * 60);
// The tick history fills for its first 15 minutes; short runs judge their second half, and say so.
const warmUpSeconds = Math.min(HISTORY_SECONDS + sampleSeconds, durationSeconds / 2);

function say(message: string): void {
  process.stdout.write(`[soak:dashboard] ${message}\n`);
}

async function openOverview(page: Page, webUrl: string): Promise<void> {
  await page.goto(`${webUrl}/sign-in`);
  await page.getByLabel("Email").fill(BENCH_ADMIN.email);
  await page.getByLabel("Password").fill(BENCH_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${webUrl}/`);
  await page.getByTestId("live-badge").filter({ hasText: "Live" }).waitFor({ timeout: 30_000 });
}

async function sampleHeap(cdp: CDPSession, atSeconds: number): Promise<HeapSample> {
  await cdp.send("HeapProfiler.collectGarbage");
  const { metrics } = await cdp.send("Performance.getMetrics");
  const metric = (name: string) => metrics.find((entry) => entry.name === name)?.value ?? Number.NaN;
  return {
    atSeconds,
    heapUsedMiB: metric("JSHeapUsedSize") / MIB,
    heapTotalMiB: metric("JSHeapTotalSize") / MIB,
    domNodes: metric("Nodes"),
    listeners: metric("JSEventListeners"),
  };
}

async function main(cleanup: Cleanup): Promise<boolean> {
  const { web, proxy } = await startSoakStack(cleanup, { root, say, liveDashboard: true });
  const browser = await launchBrowser();
  cleanup.defer("browser", () => browser.close());
  const page = await browser.browser.newPage();
  say("signing in and opening the live overview");
  await openOverview(page, web.url);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");

  say(`${minutes} min at ${ratePerSecond} req/s; a heap sample every ${sampleSeconds} s after a forced GC`);
  const traffic = startMixedTraffic({
    origin: `http://127.0.0.1:${proxy.port}`,
    mix: MIX,
    ratePerSecond,
    durationSeconds,
  });
  cleanup.defer("traffic", () => traffic.stop());

  const samples: HeapSample[] = [await sampleHeap(cdp, 0)];
  say(heapSamplesTable([]).split("\n")[0]!);
  say(heapSamplesTable(samples).split("\n")[2]!);
  const startedAt = performance.now();
  for (let sample = 1; sample * sampleSeconds <= durationSeconds; sample++) {
    await new Promise((done) => setTimeout(done, startedAt + sample * sampleSeconds * 1000 - performance.now()));
    const row = await sampleHeap(cdp, (performance.now() - startedAt) / 1000);
    samples.push(row);
    say(heapSamplesTable([row]).split("\n")[2]!);
  }
  const totals = await traffic.finished;
  const liveBadge = (await page.getByTestId("live-badge").textContent()) ?? "";

  const report: DashboardReport = {
    machine: { cpus: availableParallelism(), cpuModel: cpus()[0]?.model.trim() ?? "unknown", node: process.version },
    date: new Date().toISOString(),
    settings: { minutes, sampleSeconds, ratePerSecond, historySeconds: HISTORY_SECONDS },
    samples,
    traffic: totals,
    liveAtEnd: liveBadge.trim() === "Live",
    verdict: judgeHeap(samples, warmUpSeconds, HEAP_GROWTH_BOUND_MIB_PER_HOUR),
  };

  const outputDir = join(root, ".concierge", "soak");
  await mkdir(outputDir, { recursive: true });
  await writeFile(join(outputDir, "dashboard-last.json"), `${JSON.stringify(report, null, 2)}\n`);
  const docPath = join(root, "docs", "soak.md");
  const doc = await readFile(docPath, "utf8").catch(() => "# Soak run\n");
  await writeFile(docPath, withDashboardSection(doc, dashboardMarkdown(report)));

  say(`requests: ${totals.completed} answered, ${totals.errors} errors; overview still live at the end: ${report.liveAtEnd}`);
  say(heapVerdictLine(report.verdict));
  say("written: docs/soak.md (dashboard section), .concierge/soak/dashboard-last.json");
  return report.verdict.pass && report.liveAtEnd;
}

await runSoak("soak:dashboard", main);
