import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildProxyBundle } from "../../proxy/test/control/support/start-node.ts";
import { addRoutes } from "../../proxy/test/reliability/support/config.ts";
import { startOrigin, type TestOrigin } from "../../proxy/test/upstream/support/start-origin.ts";
import { startConnectedNode, type ConnectedNode } from "./support/connected-node.ts";
import { EDITOR, startDashboardUnderTest, VIEWER, type DashboardUnderTest } from "./support/signed-in-dashboard.ts";

const NODE_ID = "explain-e2e-node";

let dashboard: DashboardUnderTest;
let origin: TestOrigin;
let node: ConnectedNode | undefined;

beforeAll(async () => {
  [dashboard, origin] = await Promise.all([startDashboardUnderTest(), startOrigin(), buildProxyBundle()]);
  await addRoutes(dashboard.database.db, [{ pathPrefix: "/shop", pool: { targets: [{ url: origin.url }] } }]);
  node = await startConnectedNode(dashboard, NODE_ID);
}, 300_000);

afterAll(async () => {
  await node?.close();
  await origin?.kill();
  await dashboard?.close();
});

describe("asking a proxy node from the dashboard", () => {
  it("explains a request on the routes page", async () => {
    const page = await dashboard.browser.browser.newPage();
    await dashboard.signIn(page, VIEWER);
    await page.getByRole("link", { name: "Routes" }).click();
    await page.getByLabel("URL").fill("http://shop.test/shop/cart");
    await page.getByLabel("Method").selectOption("GET");
    await page.getByRole("button", { name: "Explain" }).click();

    const explanation = page.getByTestId("explanation");
    await explanation.waitFor();
    const text = (await explanation.textContent()) ?? "";
    expect(text).toContain('route "shop" serves it');
    expect(text).toContain(`next target ${origin.url}`);
    expect(text).toContain(`Answered by proxy node ${NODE_ID}`);

    await page.getByLabel("URL").fill("http://shop.test/elsewhere");
    await page.getByRole("button", { name: "Explain" }).click();
    await expect.poll(() => explanation.textContent()).toContain("none under the path /elsewhere");
    await page.close();
  });

  it("checks a pool's targets from the node with the probe button", async () => {
    const page = await dashboard.browser.browser.newPage();
    await dashboard.signIn(page, EDITOR);
    await page.getByRole("link", { name: "Pools" }).click();
    await page.getByRole("link", { name: "shop" }).click();
    await page.getByRole("button", { name: "Check targets" }).click();

    const results = page.getByTestId("probe-results");
    await results.waitFor();
    const text = (await results.textContent()) ?? "";
    expect(text).toContain(`Checked from proxy node ${NODE_ID}`);
    expect(text).toContain(origin.url);
    expect(text).toMatch(/answered 200 in \d+ ms/);
    await page.close();
  });
});
