import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { hashPassword } from "@concierge/db/password";
import { createUserRepository } from "@concierge/db/repositories/users";
import type { Page } from "playwright-core";

import {
  createTestDatabase,
  type TestDatabase,
} from "../../../../packages/db/test-support/fresh-database.ts";
import { ensureBuild, startWeb, type RunningWeb } from "../../test/support/start-web.ts";
import { launchBrowser, type TestBrowser } from "../browser.ts";
import { freePort } from "./free-port.ts";

export interface TestUser {
  email: string;
  password: string;
}

export const EDITOR: TestUser = { email: "editor@example.test", password: "editor password 123" };
export const VIEWER: TestUser = { email: "viewer@example.test", password: "viewer password 123" };

export interface DashboardUnderTest {
  database: TestDatabase;
  web: RunningWeb;
  browser: TestBrowser;
  /** The origin the browser uses, which is also the dashboard's public origin. */
  origin: string;
  signIn(page: Page, user: TestUser): Promise<void>;
  close(): Promise<void>;
}

/**
 * The built dashboard on a fresh database with an editor and a viewer, its own data folder (the
 * secret that encrypts certificate keys lives there), and Chromium to drive it.
 */
export async function startDashboardUnderTest(): Promise<DashboardUnderTest> {
  const database = await createTestDatabase();
  const users = createUserRepository(database.db);
  for (const [user, role] of [[EDITOR, "editor"], [VIEWER, "viewer"]] as const) {
    await users.create({ email: user.email, role, passwordHash: await hashPassword(user.password) });
  }
  const dataDir = await mkdtemp(join(tmpdir(), "concierge-e2e-"));
  await ensureBuild();
  // The public origin must be the one the browser uses, or cookie-authenticated writes are refused.
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const web = await startWeb({
    DATABASE_URL: database.url,
    PORT: String(port),
    CONCIERGE_PUBLIC_URL: origin,
    CONCIERGE_DATA_DIR: dataDir,
  });
  const browser = await launchBrowser();
  return {
    database,
    web,
    browser,
    origin,
    async signIn(page, user) {
      await page.goto(`${origin}/sign-in`);
      await page.getByLabel("Email").fill(user.email);
      await page.getByLabel("Password").fill(user.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByTestId("signed-in-as").waitFor();
    },
    async close() {
      await browser.close();
      await web.stop();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
