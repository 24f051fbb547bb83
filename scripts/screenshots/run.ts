/**
 * Screenshots of the dashboard's main pages, in the light and the dark theme, with real traffic
 * behind them: the whole product as `npm start` runs it (embedded PostgreSQL in a throwaway data
 * folder), three origins and a dead one, routes set up through the JSON API, a minute of mixed
 * traffic through the proxy, then headless Chromium visits each page. The pictures go to
 * `.screenshots/` (git-ignored). Started by `npm run screenshots` once the build is current.
 *
 *   --seconds N   how long traffic runs before the pictures are taken (default 75, so the
 *                 history page holds several rollup buckets)
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

import type { Page } from "playwright-core";
import { request } from "undici";

import { launchBrowser, type TestBrowser } from "../../apps/web/e2e/browser.ts";
import { createCleanup } from "../bench/cleanup.ts";
import { callApi, signIn, type WebServer } from "../bench/concierge.ts";
import { BENCH_ADMIN } from "../bench/database.ts";
import { startOrigins } from "../bench/origins.ts";
import { freePort, startProcess } from "../bench/processes.ts";
import { waitFor } from "../bench/wait-for.ts";
import { startMixedTraffic } from "../soak/mixed-traffic.ts";

const root = resolve(import.meta.dirname, "../..");
const outputDir = join(root, ".screenshots");
/** Rollups every 10 s instead of every minute, so a short run still fills the history page. */
const ROLLUP_INTERVAL_MS = 10_000;
const START_TIMEOUT_MS = 120_000;

const { values: args } = parseArgs({ options: { seconds: { type: "string", default: "75" } } });
const trafficSeconds = Number(args.seconds);
if (!(trafficSeconds > 0) || trafficSeconds > 3_600) throw new Error("--seconds must be between 1 and 3600");

function say(message: string): void {
  process.stdout.write(`[screenshots] ${message}\n`);
}

const cleanup = createCleanup();
process.on("SIGINT", () => void cleanup.runAll().then(() => process.exit(130)));

async function startProduct(dataDir: string): Promise<{ web: WebServer; proxyUrl: string }> {
  const [webPort, proxyPort, adminPort] = [await freePort(), await freePort(), await freePort()];
  const webUrl = `http://localhost:${webPort}`;
  const product = startProcess(cleanup, "concierge", process.execPath, ["--import", "tsx", "scripts/run-product.ts"], {
    cwd: root,
    env: {
      // Not process.env: a DATABASE_URL there must not send this throwaway setup to a real database.
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      CONCIERGE_DATA_DIR: dataDir,
      CONCIERGE_PUBLIC_URL: webUrl,
      CONCIERGE_ADMIN_EMAIL: BENCH_ADMIN.email,
      CONCIERGE_ADMIN_PASSWORD: BENCH_ADMIN.password,
      PORT: String(webPort),
      PROXY_PORT: String(proxyPort),
      PROXY_ADMIN_PORT: String(adminPort),
      PROXY_TLS_PORT: "off",
      PROXY_ROLLUP_INTERVAL_MS: String(ROLLUP_INTERVAL_MS),
      LOG_LEVEL: "warn",
    },
  });
  await waitFor(
    "the dashboard and the proxy to answer",
    async () => {
      if (product.child.exitCode !== null) throw new Error(`the product exited:\n${product.recentOutput()}`);
      const [dashboard, proxy] = await Promise.all([
        request(`${webUrl}/api/v1/openapi.json`),
        request(`http://127.0.0.1:${adminPort}/readyz`),
      ]);
      await Promise.all([dashboard.body.dump(), proxy.body.dump()]);
      return dashboard.statusCode === 200 && proxy.statusCode === 200 ? true : undefined;
    },
    { timeoutMs: START_TIMEOUT_MS, intervalMs: 250 },
  );
  return { web: { url: webUrl }, proxyUrl: `http://127.0.0.1:${proxyPort}` };
}

/** A healthy pool of the three origins behind a cached site, and a pool whose only target is gone. */
async function configure(web: WebServer, originUrls: string[], deadUrl: string): Promise<number> {
  const bearer = await signIn(web, "screenshots");
  const post = async (path: string, body: unknown) =>
    (await callApi<{ id: string; revision: number }>(web, "POST", path, body, bearer)).json;
  const healthCheck = { path: "/healthz", intervalMs: 2_000 };
  const origins = await post("/api/v1/pools", {
    name: "shop-origins",
    algorithm: "least_connections",
    targets: originUrls.map((url) => ({ url, weight: 1 })),
    healthCheck,
  });
  const gone = await post("/api/v1/pools", {
    name: "legacy-api",
    algorithm: "round_robin",
    targets: [{ url: deadUrl, weight: 1 }],
    healthCheck,
  });
  await post("/api/v1/routes", { name: "shop", hosts: ["*"], pathPrefix: "/", poolId: origins.id, cache: { enabled: true } });
  await post("/api/v1/routes", { name: "checkout", hosts: ["*"], pathPrefix: "/nostore", poolId: origins.id, cache: { enabled: false } });
  const last = await post("/api/v1/routes", { name: "legacy", hosts: ["*"], pathPrefix: "/legacy", poolId: gone.id, cache: { enabled: false } });
  return last.revision;
}

const PAGES: Array<{ name: string; path: string; ready: (page: Page) => Promise<unknown> }> = [
  { name: "overview", path: "/", ready: (page) => page.getByTestId("stat-requests").waitFor() },
  { name: "connections", path: "/connections", ready: (page) => page.getByTestId("connection-clients").waitFor() },
  { name: "routes", path: "/routes", ready: (page) => page.getByText("checkout").first().waitFor() },
  { name: "pools", path: "/pools", ready: (page) => page.getByText("shop-origins").first().waitFor() },
  { name: "cache", path: "/cache", ready: (page) => page.getByText("shop").first().waitFor() },
  { name: "traffic", path: "/traffic?range=1h", ready: (page) => showsRollups(page) },
  { name: "nodes", path: "/nodes", ready: (page) => page.getByTestId("node-row").first().waitFor() },
  { name: "revisions", path: "/revisions", ready: (page) => page.getByTestId("revision-row").first().waitFor() },
  { name: "audit", path: "/audit", ready: (page) => page.getByTestId("audit-row").first().waitFor() },
  { name: "users", path: "/users", ready: (page) => page.getByText(BENCH_ADMIN.email).first().waitFor() },
  { name: "certificates", path: "/certificates", ready: (page) => page.locator("main").waitFor() },
];

/** The history page shows what the rollups hold when it loads; reloads until the first buckets are written. */
async function showsRollups(page: Page): Promise<void> {
  await waitFor(
    "the history page to chart the rollups",
    async () => {
      await page.reload();
      await page.getByTestId("traffic-requests").locator("canvas").first().waitFor();
      const legend = await page.getByTestId("traffic-requests").textContent();
      return legend?.includes("shop") ? true : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 5_000 },
  );
}

async function photograph(browser: TestBrowser, webUrl: string): Promise<string[]> {
  const page = await browser.browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${webUrl}/sign-in`);
  await page.getByLabel("Email").fill(BENCH_ADMIN.email);
  await page.getByLabel("Password").fill(BENCH_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("signed-in-as").waitFor();

  const written: string[] = [];
  for (const { name, path, ready } of PAGES) {
    await page.goto(`${webUrl}${path}`);
    await ready(page);
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const file = join(outputDir, `${name}-${scheme}.png`);
      await page.screenshot({ path: file, fullPage: true });
      written.push(file);
    }
  }
  // The pool page with its targets' live health: the dead target shows as down.
  await page.goto(`${webUrl}/pools`);
  await page.getByText("legacy-api").first().click();
  await page.waitForURL(/\/pools\/[^/]+$/);
  await page.getByTestId("live-target-state").first().waitFor();
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const file = join(outputDir, `pool-${scheme}.png`);
    await page.screenshot({ path: file, fullPage: true });
    written.push(file);
  }
  return written;
}

try {
  const dataDir = await mkdtemp(join(tmpdir(), "concierge-screenshots-"));
  cleanup.defer("data folder", () => rm(dataDir, { recursive: true, force: true }));
  await mkdir(outputDir, { recursive: true });
  // First, so a missing Chromium is reported before a minute of setup and traffic.
  const browser = await launchBrowser();
  cleanup.defer("chromium", () => browser.close());

  say("starting origins and the product (embedded PostgreSQL)…");
  const origins = await startOrigins(cleanup, root);
  const deadUrl = `http://127.0.0.1:${await freePort()}`;
  const { web, proxyUrl } = await startProduct(dataDir);
  await configure(web, origins.urls, deadUrl);

  say(`sending mixed traffic through the proxy for ${trafficSeconds} s…`);
  const traffic = startMixedTraffic({
    origin: proxyUrl,
    mix: [
      { path: "/1k", weight: 60 },
      { path: "/nostore", weight: 25 },
      { path: "/100k", weight: 10 },
      { path: "/legacy/report", weight: 5 },
    ],
    ratePerSecond: 120,
    durationSeconds: trafficSeconds + 60,
    connections: 8,
  });
  cleanup.defer("traffic", () => traffic.stop());
  await new Promise((done) => setTimeout(done, trafficSeconds * 1000));

  say("taking the pictures (traffic keeps running, so the live pages move)…");
  const written = await photograph(browser, web.url);
  traffic.stop();
  say(`${written.length} screenshots in ${outputDir}`);
} finally {
  await cleanup.runAll();
}
