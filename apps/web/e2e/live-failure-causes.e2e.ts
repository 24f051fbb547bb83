import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildProxyBundle } from "../../proxy/test/control/support/start-node.ts";
import { routeTo } from "../../proxy/test/traffic/support/route-to.ts";
import { deadUrl, startOrigin, type TestOrigin } from "../../proxy/test/upstream/support/start-origin.ts";
import { startConnectedNode, type ConnectedNode } from "./support/connected-node.ts";
import { startDashboardUnderTest, VIEWER, type DashboardUnderTest } from "./support/signed-in-dashboard.ts";

const UNREACHABLE_REQUESTS = 3;
const BROKEN_ORIGIN_REQUESTS = 2;

let dashboard: DashboardUnderTest;
let brokenOrigin: TestOrigin;
let node: ConnectedNode | undefined;
let context: BrowserContext | undefined;

beforeAll(async () => {
  [dashboard, brokenOrigin] = await Promise.all([
    startDashboardUnderTest(),
    startOrigin((_req, res) => {
      res.statusCode = 502;
      res.end("bad gateway behind the origin");
    }),
    buildProxyBundle(),
  ]);
  const { db } = dashboard.database;
  await routeTo(db, "checkout", "/checkout", await deadUrl());
  await routeTo(db, "reports", "/reports", brokenOrigin.url);
  node = await startConnectedNode(dashboard, "live-failure-causes-e2e-node");
}, 300_000);

afterAll(async () => {
  await context?.close();
  await node?.close();
  await brokenOrigin?.kill();
  await dashboard?.close();
});

async function requestThroughNode(path: string): Promise<number> {
  const response = await fetch(`${node?.node.dataUrl}${path}`);
  await response.arrayBuffer();
  return response.status;
}

describe("the live overview: failures by cause", () => {
  it("shows why requests through a real node failed, within seconds and the most frequent cause first", async () => {
    context = await dashboard.browser.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await dashboard.signIn(page, VIEWER);
    await page.goto(`${dashboard.origin}/`);
    const panel = page.getByTestId("live-failure-causes");
    await expect.poll(() => panel.textContent(), { timeout: 20_000 }).toContain("None");

    for (let request = 0; request < UNREACHABLE_REQUESTS; request++) {
      expect(await requestThroughNode("/checkout/pay")).toBe(502);
    }
    for (let request = 0; request < BROKEN_ORIGIN_REQUESTS; request++) {
      expect(await requestThroughNode("/reports/daily")).toBe(502);
    }

    await expect
      .poll(() => panel.getByTestId("live-failure-cause").allTextContents(), { timeout: 20_000 })
      .toEqual([`could not connect ${UNREACHABLE_REQUESTS}`, `origin answered 5xx ${BROKEN_ORIGIN_REQUESTS}`]);
    expect(brokenOrigin.received).toHaveLength(BROKEN_ORIGIN_REQUESTS);

    await page.emulateMedia({ colorScheme: "light" });
    await page.screenshot({ path: "/tmp/live-failure-causes-light.png", fullPage: true });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: "/tmp/live-failure-causes-dark.png", fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
