import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { hashPassword } from "@concierge/db/password";
import { createUserRepository } from "@concierge/db/repositories/users";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createTestDatabase,
  type TestDatabase,
} from "../../../packages/db/test-support/fresh-database.ts";
import { issueCertificate } from "../../proxy/test/tls/support/issue-certificate.ts";
import { ensureBuild, startWeb, type RunningWeb } from "../test/support/start-web.ts";
import { launchBrowser, type TestBrowser } from "./browser.ts";

const EDITOR = { email: "editor@example.test", password: "editor password 123" };
const VIEWER = { email: "viewer@example.test", password: "viewer password 123" };

let database: TestDatabase;
let dataDir: string;
let web: RunningWeb;
let testBrowser: TestBrowser;

beforeAll(async () => {
  database = await createTestDatabase();
  const users = createUserRepository(database.db);
  await users.create({ email: EDITOR.email, role: "editor", passwordHash: await hashPassword(EDITOR.password) });
  await users.create({ email: VIEWER.email, role: "viewer", passwordHash: await hashPassword(VIEWER.password) });
  // Keys are encrypted with the installation secret, which lives in the data folder.
  dataDir = await mkdtemp(join(tmpdir(), "concierge-certificates-e2e-"));
  await ensureBuild();
  // The dashboard's public origin must be the one the browser uses, or cookie writes are refused.
  const port = await freePort();
  web = await startWeb({
    DATABASE_URL: database.url,
    PORT: String(port),
    CONCIERGE_PUBLIC_URL: `http://localhost:${port}`,
    CONCIERGE_DATA_DIR: dataDir,
  });
  testBrowser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await testBrowser?.close();
  await web?.stop();
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}

async function signIn(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.goto(`${origin()}/sign-in`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("signed-in-as").waitFor();
}

function origin(): string {
  return `http://localhost:${web.port}`;
}

describe("managing certificates in the dashboard", () => {
  it("generates a self-signed certificate, refuses a mismatched upload on the key field, and deletes", async () => {
    const page = await testBrowser.browser.newPage();
    await signIn(page, EDITOR);

    await page.getByRole("link", { name: "Certificates" }).click();
    await page.getByText("No certificates yet").waitFor();

    await page.getByLabel("Hosts").fill("shop.example.test");
    await page.getByLabel("Hosts").press("Enter");
    await page.getByRole("button", { name: "Generate self-signed" }).click();
    const table = page.getByRole("table", { name: "certificates" });
    const row = table.getByTestId("table-row").filter({ hasText: "shop.example.test" });
    await row.waitFor();
    expect(await table.getByTestId("table-row").count()).toBe(1);
    expect(await database.db.certificate.count()).toBe(1);

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
    expect(await database.db.certificate.count()).toBe(1);

    await row.getByRole("button", { name: "Delete" }).click();
    await row.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByText("No certificates yet").waitFor();
    expect(await database.db.certificate.count()).toBe(0);
    await page.close();
  });

  it("shows a viewer the list without forms", async () => {
    const page = await testBrowser.browser.newPage();
    await signIn(page, VIEWER);
    await page.goto(`${origin()}/certificates`);
    await page.getByText("No certificates yet. An editor can upload one.").waitFor();
    expect(await page.getByRole("button", { name: /Upload certificate|Generate self-signed/ }).count()).toBe(0);
    await page.close();
  });
});
