import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  EDITOR,
  startDashboardUnderTest,
  VIEWER,
  type DashboardUnderTest,
} from "./support/signed-in-dashboard.ts";

let dashboard: DashboardUnderTest;

beforeAll(async () => {
  dashboard = await startDashboardUnderTest();
}, 300_000);

afterAll(async () => {
  await dashboard?.close();
});

async function newestRevision(): Promise<number> {
  const newest = await dashboard.database.db.configRevision.findFirst({ orderBy: { number: "desc" } });
  return newest?.number ?? 0;
}

describe("editing the configuration in the dashboard", () => {
  it("creates a pool and a route through the forms, shows the revision, rolls back and signs out", async () => {
    const page = await dashboard.browser.browser.newPage();
    await dashboard.signIn(page, EDITOR);

    await page.getByRole("link", { name: "Pools" }).click();
    await page.getByText("No pools yet").waitFor();
    await page.getByRole("link", { name: "New pool" }).click();
    await page.getByLabel("Name", { exact: true }).fill("shop");
    await page.getByLabel("Target 1 URL").fill("ftp://10.0.0.5");
    await page.getByRole("button", { name: "Create pool" }).click();
    await expect
      .poll(() => page.locator("[data-field-error]").first().textContent())
      .toContain("scheme must be http or https");

    await page.getByLabel("Target 1 URL").fill("http://127.0.0.1:9");
    await page.getByLabel("Revision message (optional)").fill("first pool");
    await page.getByRole("button", { name: "Create pool" }).click();
    await page.waitForURL(`${dashboard.origin}/pools`);
    await page.getByRole("link", { name: "shop" }).waitFor();

    await page.getByRole("link", { name: "Routes" }).click();
    await page.getByRole("link", { name: "New route" }).click();
    await page.getByLabel("Name", { exact: true }).fill("storefront");
    await page.getByLabel("Pool", { exact: true }).selectOption({ label: "shop" });
    await page.getByLabel("Path prefix").fill("/store");
    await page.getByRole("button", { name: "Create route" }).click();
    await page.waitForURL(`${dashboard.origin}/routes`);
    await page.getByRole("link", { name: "storefront" }).waitFor();

    const routeRevision = await newestRevision();
    const poolRevision = routeRevision - 1;
    await page.getByRole("link", { name: "Revisions" }).click();
    const rows = page.getByTestId("revision-row");
    await expect.poll(() => rows.first().textContent()).toContain("route.create");
    await expect
      .poll(() => rows.filter({ hasText: "first pool" }).first().textContent())
      .toContain(`${poolRevision}pool.create`);

    await page.getByRole("button", { name: `Roll back to ${poolRevision}` }).click();
    await page.getByRole("button", { name: "Roll back", exact: true }).click();
    await page
      .getByText(`Rolled back: the configuration is now revision ${routeRevision + 1}`)
      .waitFor();
    await expect.poll(() => rows.first().textContent()).toContain("config.rollback");

    await page.getByRole("link", { name: "Routes" }).click();
    await page.getByText("No routes yet").waitFor();
    expect(await dashboard.database.db.route.count()).toBe(0);
    expect(await dashboard.database.db.pool.count({ where: { name: "shop" } })).toBe(1);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${dashboard.origin}/sign-in`);
    await page.close();
  });

  it("shows a viewer no edit buttons, and the API refuses their write", async () => {
    const page = await dashboard.browser.browser.newPage();
    await dashboard.signIn(page, VIEWER);

    await page.getByRole("link", { name: "Pools" }).click();
    await page.getByRole("link", { name: "shop" }).waitFor();
    expect(await page.getByRole("link", { name: "New pool" }).count()).toBe(0);
    await page.getByRole("link", { name: "shop" }).click();
    await page.getByRole("heading", { name: "Pool shop" }).waitFor();
    expect(await page.getByRole("button", { name: /Save pool|Delete/ }).count()).toBe(0);

    await page.getByRole("link", { name: "Revisions" }).click();
    await page.getByTestId("revision-row").first().waitFor();
    expect(await page.getByRole("button", { name: /Roll back/ }).count()).toBe(0);

    const status = await page.evaluate(async () => {
      const response = await fetch("/api/v1/pools", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "sneaky", targets: [{ url: "http://127.0.0.1:9" }] }),
      });
      return response.status;
    });
    expect(status).toBe(403);
    expect(await dashboard.database.db.pool.count({ where: { name: "sneaky" } })).toBe(0);
    await page.close();
  });
});
