import { createServer } from "node:net";

import {
  LATENCY_BUCKET_COUNT,
  emptyCounters,
  type MetricsDelta,
  type NodeToServerEvents,
} from "@concierge/config/realtime";
import { hashPassword } from "@concierge/db/password";
import { upsertNodeHeartbeat } from "@concierge/db/repositories/nodes";
import { writeRollups, type RollupRow } from "@concierge/db/repositories/rollups";
import { createUserRepository } from "@concierge/db/repositories/users";
import { hashToken } from "@concierge/db/token-hash";
import type { BrowserContext, Page } from "playwright-core";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createPool, createRoute } from "../../../packages/db/test-support/config-fixtures.ts";
import {
  createTestDatabase,
  type TestDatabase,
} from "../../../packages/db/test-support/fresh-database.ts";
import { waitFor } from "../../../packages/db/test-support/wait-for.ts";
import { ensureBuild, startWeb, type RunningWeb } from "../test/support/start-web.ts";
import { launchBrowser, type TestBrowser } from "./browser.ts";

const ADMIN = { email: "ops@example.test", password: "live dashboard password" };
const NODE_TOKEN = "node-token-for-the-live-dashboard-0123456789";
const NODE_ID = "node-live-e2e";
/** The node sends a delta once a second, as proxy nodes do, and stops after this many at most. */
const DELTA_INTERVAL_MS = 1_000;
const MAX_DELTAS = 120;
const CLIENT_CONNECTIONS = 37;
const OPEN_UPSTREAM = 4;

let database: TestDatabase;
let web: RunningWeb;
let browser: TestBrowser | undefined;
let context: BrowserContext;
let node: Socket<Record<never, never>, NodeToServerEvents>;
let sender: NodeJS.Timeout | undefined;
let route: { id: string; name: string };
let pool: { id: string; targetId: string };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** One latency histogram with every request in the bucket that holds 8–16 ms. */
function latencyAround8ms(requests: number): number[] {
  const buckets = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
  buckets[6] = requests;
  return buckets;
}

/** `sequence` varies the request count, so a live number visibly changes from one tick to the next. */
function delta(at: number, sequence: number): MetricsDelta {
  const counters = emptyCounters();
  counters.requests = 45 + (sequence % 10);
  counters.errors = 5;
  counters.status["2xx"] = counters.requests - 5;
  counters.status["5xx"] = 5;
  counters.cacheHits = 30;
  counters.cacheMisses = 10;
  counters.bytesOut = 500_000;
  counters.bytesSaved = 300_000;
  counters.originMsSaved = 600;
  return {
    at,
    intervalMs: DELTA_INTERVAL_MS,
    workers: 1,
    revision: 1,
    clientConnections: CLIENT_CONNECTIONS,
    inFlight: 3,
    errorCauses: { origin_5xx: counters.errors },
    routes: [
      {
        routeId: route.id,
        poolId: pool.id,
        name: route.name,
        poolName: "shop-pool",
        counters,
        latency: latencyAround8ms(counters.requests),
      },
    ],
    targets: [
      {
        targetId: pool.targetId,
        poolId: pool.id,
        url: "http://127.0.0.1:9",
        state: "up",
        since: Date.now() - 60_000,
        lastProbe: { ok: true, at: Date.now() - 1_000 },
        inFlight: 3,
        ewmaMs: 9,
        openConnections: OPEN_UPSTREAM,
        newConnections: 1,
        requests: 40,
      },
    ],
  };
}

function rollups(): RollupRow[] {
  const minute = Math.floor(Date.now() / 60_000) * 60_000;
  return Array.from({ length: 30 }, (_, index) => ({
    bucketStart: new Date(minute - (index + 2) * 60_000),
    bucketSeconds: 60,
    nodeId: NODE_ID,
    routeId: route.id,
    poolId: pool.id,
    targetId: pool.targetId,
    statusClass: "2xx",
    cacheStatus: index % 2 === 0 ? "hit" : "miss",
    requests: 600 + index * 20,
    errors: 0,
    errorCauses: [],
    bytesIn: 10_000,
    bytesOut: 2_000_000,
    latencySumMs: 6_000,
    latencyBuckets: latencyAround8ms(600 + index * 20),
    upstreamBuckets: latencyAround8ms(600 + index * 20),
  }));
}

/** A page that records uncaught errors in the browser, so a test can require that there were none. */
async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return { page, errors };
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${web.baseUrl}/sign-in`);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.waitForURL(`${web.baseUrl}/`);
}

beforeAll(async () => {
  database = await createTestDatabase();
  await createUserRepository(database.db).create({
    email: ADMIN.email,
    role: "admin",
    passwordHash: await hashPassword(ADMIN.password),
  });
  await database.db.nodeToken.create({ data: { name: "e2e", tokenHash: hashToken(NODE_TOKEN) } });
  const created = await createPool(database.db, "shop-pool");
  const target = await database.db.target.findFirstOrThrow({ where: { poolId: created.id } });
  pool = { id: created.id, targetId: target.id };
  const createdRoute = await createRoute(database.db, { name: "shop", poolId: created.id });
  route = { id: createdRoute.id, name: "shop" };
  await writeRollups(database.db, rollups());
  await upsertNodeHeartbeat(database.db, {
    id: NODE_ID,
    host: "edge-1.test",
    version: "0.1.0",
    workers: 1,
    startedAt: new Date(),
    revisionApplied: 1,
    lastError: null,
  });

  await ensureBuild();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  web = await startWeb({
    DATABASE_URL: database.url,
    PORT: String(port),
    CONCIERGE_PUBLIC_URL: baseUrl,
  });

  node = connect(`${web.baseUrl}/nodes`, {
    auth: { token: NODE_TOKEN, nodeId: NODE_ID },
    transports: ["websocket"],
  });
  await new Promise<void>((resolve, reject) => {
    node.once("connect", resolve);
    node.once("connect_error", reject);
  });
  let sent = 0;
  sender = setInterval(() => {
    sent += 1;
    if (sent > MAX_DELTAS) clearInterval(sender);
    else node.emit("node:metrics", delta(Date.now(), sent));
  }, DELTA_INTERVAL_MS);

  browser = await launchBrowser();
  context = await browser.browser.newContext({ viewport: { width: 1280, height: 1000 } });
}, 300_000);

afterAll(async () => {
  clearInterval(sender);
  node?.disconnect();
  await browser?.close();
  await web?.stop();
  await database?.drop();
});

/** The number in a stat tile, once it is above zero. */
async function liveNumber(page: Page, testId: string): Promise<string> {
  return waitFor(
    async () => {
      const text = (await page.getByTestId(testId).locator("dd").first().textContent()) ?? "";
      return /[1-9]/.test(text) ? text : undefined;
    },
    { timeoutMs: 20_000, what: `${testId} to show live traffic` },
  ).catch(async (error: unknown) => {
    await page.screenshot({ path: "/tmp/live-overview-failed.png", fullPage: true });
    throw error;
  });
}

describe("the live dashboard", () => {
  it("shows a node's live numbers on the overview, as they arrive", async () => {
    const { page, errors } = await openPage();
    await signIn(page);

    // 45–54 requests a second; the server's second may hold one delta or, at a boundary, two.
    const requests = Number.parseFloat(await liveNumber(page, "stat-requests"));
    expect(requests).toBeGreaterThanOrEqual(45);
    expect(requests).toBeLessThanOrEqual(108);
    expect(await liveNumber(page, "stat-errors")).toMatch(/%$/);
    expect(await liveNumber(page, "stat-cache")).toBe("75%");
    expect(await liveNumber(page, "stat-bytes-saved")).toMatch(/B$/);
    await waitFor(
      async () => (await page.getByTestId("route-table-row").first().textContent())?.includes("/s"),
      { what: "the route table to list the route" },
    );
    expect(await page.getByTestId("route-table-row").first().textContent()).toContain("shop");

    // The chart has a canvas and keeps the same one while new ticks arrive (updated in place).
    const canvas = page.getByTestId("chart-requests").locator("canvas");
    await canvas.first().waitFor();
    // A string runs in the page as it is: this file is not compiled with the DOM's types.
    await page.evaluate(
      `document.querySelector('[data-testid="chart-requests"] canvas').setAttribute("data-probe", "kept")`,
    );
    const before = await page.getByTestId("stat-requests").textContent();
    await waitFor(async () => (await page.getByTestId("live-badge").textContent()) === "Live", {
      what: "the live badge",
    });
    await waitFor(async () => (await page.getByTestId("stat-requests").textContent()) !== before, {
      what: "the request rate to change with a new tick",
    });
    expect(await canvas.first().getAttribute("data-probe")).toBe("kept");

    await page.emulateMedia({ colorScheme: "light" });
    await page.screenshot({ path: "/tmp/live-overview-light.png", fullPage: true });
    await page.emulateMedia({ colorScheme: "dark" });
    await liveNumber(page, "stat-requests");
    await page.screenshot({ path: "/tmp/live-overview-dark.png", fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("draws the connection picture: client connections to the proxy, open connections per target", async () => {
    const { page, errors } = await openPage();
    await page.goto(`${web.baseUrl}/connections`);
    await waitFor(
      async () =>
        (await page.getByTestId("connection-clients").textContent())?.includes(
          `${CLIENT_CONNECTIONS} open`,
        ),
      { timeoutMs: 20_000, what: "the client connection count" },
    );
    await waitFor(
      async () =>
        (await page.getByTestId("connection-target-open").first().textContent())?.startsWith(
          `${OPEN_UPSTREAM} open`,
        ),
      { timeoutMs: 20_000, what: "the target's open connections" },
    );
    expect(await page.getByTestId("connection-target").count()).toBe(1);
    expect(await page.getByText("keeps a few warm connections to each origin").count()).toBe(1);

    await page.emulateMedia({ colorScheme: "light" });
    await page.screenshot({ path: "/tmp/live-connections-light.png", fullPage: true });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: "/tmp/live-connections-dark.png", fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("charts traffic history from rollups, with the range and grouping in the URL", async () => {
    const { page, errors } = await openPage();
    await page.emulateMedia({ colorScheme: "light" });
    await page.goto(`${web.baseUrl}/traffic?range=6h&groupBy=pool`);
    await page.getByTestId("traffic-requests").locator("canvas").first().waitFor();
    await waitFor(
      async () => (await page.getByTestId("traffic-requests").textContent())?.includes("shop-pool"),
      { timeoutMs: 20_000, what: "the pool's series in the legend" },
    );
    expect(await page.getByTestId("traffic-empty").count()).toBe(0);
    expect(await page.getByTestId("group-by").inputValue()).toBe("pool");

    await page.getByTestId("group-by").selectOption("route");
    await page.waitForURL(/groupBy=route/);
    expect(page.url()).toContain("range=6h");
    await waitFor(
      async () => (await page.getByTestId("traffic-requests").textContent())?.includes("shop"),
      { timeoutMs: 20_000, what: "the route's series" },
    );
    await page.screenshot({ path: "/tmp/live-traffic-light.png", fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("lists proxy nodes with their heartbeat and revision", async () => {
    // A fresh heartbeat: the node counts as up while its last one is recent.
    await upsertNodeHeartbeat(database.db, {
      id: NODE_ID,
      host: "edge-1.test",
      version: "0.1.0",
      workers: 1,
      startedAt: new Date(),
      revisionApplied: 1,
      lastError: null,
    });
    const page = await context.newPage();
    await page.goto(`${web.baseUrl}/nodes`);
    const row = page.getByTestId("node-row").filter({ hasText: NODE_ID });
    await row.waitFor({ timeout: 20_000 });
    expect(await row.getByTestId("node-status").textContent()).toBe("up");
    expect(await row.textContent()).toContain("edge-1.test");
    await page.close();
  });
});
