import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { BrowserContext } from "playwright-core";
import type { TrafficResponse } from "@concierge/config/traffic";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "../../proxy/test/control/support/wait-for.ts";
import { buildProxyBundle, startNode, type RunningNode } from "../../proxy/test/control/support/start-node.ts";
import { closedPort, routeTo } from "../../proxy/test/traffic/support/route-to.ts";
import { startDashboardUnderTest, VIEWER, type DashboardUnderTest } from "./support/signed-in-dashboard.ts";

const NODE_ID = "node-failed-requests-e2e";

let dashboard: DashboardUnderTest;
let context: BrowserContext | undefined;
let node: RunningNode | undefined;
let dataDir: string | undefined;
let deadTargetId: string;

beforeAll(async () => {
  await buildProxyBundle();
  dashboard = await startDashboardUnderTest();
  ({ targetId: deadTargetId } = await routeTo(
    dashboard.database.db,
    "checkout",
    "/checkout",
    `http://127.0.0.1:${await closedPort()}`,
  ));
  dataDir = await mkdtemp(join(tmpdir(), "concierge-failed-requests-e2e-"));
  node = await startNode({
    DATABASE_URL: dashboard.database.url,
    CONCIERGE_DATA_DIR: dataDir,
    PROXY_NODE_ID: NODE_ID,
    PROXY_ROLLUP_INTERVAL_MS: "1000",
  });
  const running = node;
  await waitFor("the node to serve", async () => (await running.readyz()).status === 200, 20_000);
}, 240_000);

afterAll(async () => {
  await context?.close();
  await node?.stop();
  await dashboard?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("traffic history: recent failed requests", () => {
  it("lists a request the proxy could not deliver with its route, target, status and cause", async () => {
    const response = await fetch(`${node?.dataUrl}/checkout/pay?card=4111111111111111`);
    expect(response.status).toBe(502);
    await response.arrayBuffer();
    await waitFor(
      "the failed request's sample to be stored",
      async () => (await dashboard.database.db.requestSample.count({ where: { nodeId: NODE_ID } })) === 1,
      15_000,
    );

    await waitFor(
      "the failure's rollup",
      async () => (await dashboard.database.db.trafficRollup.count({ where: { nodeId: NODE_ID, targetId: deadTargetId } })) > 0,
      15_000,
    );

    context = await dashboard.browser.browser.newContext();
    const page = await context.newPage();
    await dashboard.signIn(page, VIEWER);
    await page.goto(`${dashboard.origin}/traffic?range=1h`);

    await page.getByText("Failed requests in this range: could not connect 1.").waitFor();
    const row = page.getByTestId("request-sample");
    await row.waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.getByTestId("request-sample-status").textContent()).toBe("502");
    expect(await row.getByTestId("request-sample-cause").textContent()).toBe("could not connect");
    const text = (await row.textContent()) ?? "";
    expect(text).toContain("GET 127.0.0.1/checkout/pay");
    expect(text).toContain("checkout");
    expect(text).toMatch(/http:\/\/127\.0\.0\.1:\d+/);
    expect(text).toContain(NODE_ID);
    // The query string may hold secrets: it is never kept.
    expect(text).not.toContain("4111");

    // Nothing was slow: the other tab says so.
    await page.getByRole("tab", { name: "Slow" }).click();
    await page.getByTestId("request-samples-empty").waitFor();

    // The same failure in the traffic history, by cause.
    const range = new URLSearchParams({
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
      groupBy: "target",
    });
    const history = (await (await page.request.get(`${dashboard.origin}/api/v1/traffic?${range}`)).json()) as TrafficResponse;
    const target = history.series.find((series) => series.key === deadTargetId);
    const causes = target?.points.map((point) => point.errorCauses.connect_failed ?? 0);
    expect(causes?.reduce((sum, count) => sum + count, 0)).toBe(1);
  }, 120_000);
});
