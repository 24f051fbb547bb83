import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { issueCertificate } from "../../proxy/test/tls/support/issue-certificate.ts";
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

describe("managing certificates in the dashboard", () => {
  it("generates a self-signed certificate, refuses a mismatched upload on the key field, and deletes", async () => {
    const page = await dashboard.browser.browser.newPage();
    await dashboard.signIn(page, EDITOR);

    await page.getByRole("link", { name: "Certificates" }).click();
    await page.getByText("No certificates yet").waitFor();

    await page.getByLabel("Hosts").fill("shop.example.test");
    await page.getByLabel("Hosts").press("Enter");
    await page.getByRole("button", { name: "Generate self-signed" }).click();
    const table = page.getByRole("table", { name: "certificates" });
    const row = table.getByTestId("table-row").filter({ hasText: "shop.example.test" });
    await row.waitFor();
    expect(await table.getByTestId("table-row").count()).toBe(1);
    expect(await dashboard.database.db.certificate.count()).toBe(1);

    const [leaf, stranger] = await Promise.all([
      issueCertificate({ names: ["api.example.test"] }),
      issueCertificate({ names: ["other.example.test"] }),
    ]);
    const certificateField = page.getByLabel("Certificate chain (PEM)");
    const keyField = page.getByLabel("Private key (PEM)");
    await certificateField.fill(leaf.certificatePem);
    await keyField.fill(stranger.privateKeyPem);
    await page.getByRole("button", { name: "Upload certificate" }).click();
    await expect.poll(() => keyField.getAttribute("aria-invalid")).toBe("true");
    expect(await certificateField.getAttribute("aria-invalid")).toBe("false");
    expect(await page.locator("[data-field-error]").allTextContents()).toEqual([
      "does not match the certificate's public key",
    ]);
    expect(await dashboard.database.db.certificate.count()).toBe(1);

    await row.getByRole("button", { name: "Delete" }).click();
    await row.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByText("No certificates yet").waitFor();
    expect(await dashboard.database.db.certificate.count()).toBe(0);
    await page.close();
  });

  it("shows a viewer the list without forms", async () => {
    const page = await dashboard.browser.browser.newPage();
    await dashboard.signIn(page, VIEWER);
    await page.goto(`${dashboard.origin}/certificates`);
    await page.getByText("No certificates yet. An editor can upload one.").waitFor();
    expect(await page.getByRole("button", { name: /Upload certificate|Generate self-signed/ }).count()).toBe(0);
    await page.close();
  });

  it("turns automatic renewal on from the row: it stays on after a reload, and a viewer sees it but cannot change it", async () => {
    const page = await dashboard.browser.browser.newPage();
    await dashboard.signIn(page, EDITOR);
    await page.goto(`${dashboard.origin}/certificates`);

    await page.getByLabel("Hosts").fill("renew.example.test");
    await page.getByLabel("Hosts").press("Enter");
    await page.getByRole("button", { name: "Generate self-signed" }).click();
    const row = () =>
      page
        .getByRole("table", { name: "certificates" })
        .getByTestId("table-row")
        .filter({ hasText: "renew.example.test" });
    const toggle = () => row().getByRole("checkbox", { name: "Renew automatically" });
    await row().waitFor();
    expect(await toggle().isChecked()).toBe(false);

    await toggle().click();
    await expect
      .poll(
        async () =>
          (
            await dashboard.database.db.certificate.findFirst({
              where: { names: { has: "renew.example.test" } },
            })
          )?.autoRenew,
      )
      .toBe(true);

    await page.reload();
    await row().waitFor();
    expect(await toggle().isChecked()).toBe(true);
    expect(await toggle().isEnabled()).toBe(true);
    await page.close();

    const viewerPage = await dashboard.browser.browser.newPage();
    await dashboard.signIn(viewerPage, VIEWER);
    await viewerPage.goto(`${dashboard.origin}/certificates`);
    const viewerToggle = viewerPage
      .getByRole("table", { name: "certificates" })
      .getByTestId("table-row")
      .filter({ hasText: "renew.example.test" })
      .getByRole("checkbox", { name: "Renew automatically" });
    await viewerToggle.waitFor();
    expect(await viewerToggle.isChecked()).toBe(true);
    expect(await viewerToggle.isDisabled()).toBe(true);
    await viewerPage.close();
  });
});
