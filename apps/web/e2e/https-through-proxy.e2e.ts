import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { bootstrapInstallation } from "@concierge/db/bootstrap";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createTestDatabase,
  type TestDatabase,
} from "../../../packages/db/test-support/fresh-database.ts";
import { ensureBuild, startWeb, type RunningWeb } from "../test/support/start-web.ts";
import { launchBrowser, type TestBrowser } from "./browser.ts";
import { signInToApi } from "./support/dashboard-api.ts";
import { freePort } from "./support/free-port.ts";
import {
  buildProxyBundle,
  startNode,
  type RunningNode,
} from "../../proxy/test/control/support/start-node.ts";
import { waitForHttpsAnswer } from "./support/wait-for-https.ts";

const HOST = "dashboard.test";
const ADMIN = { email: "admin@example.test", password: "admin password 123" };

let database: TestDatabase;
let dataDir: string;
let web: RunningWeb;
let node: RunningNode;
let testBrowser: TestBrowser;
let publicOrigin: string;
let installationId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  // One data folder for both, so the web encrypts certificate keys with the secret the node decrypts with.
  dataDir = await mkdtemp(join(tmpdir(), "concierge-https-e2e-"));
  // As a first start does: the installation id (the node's Via name) and the first admin.
  ({ installationId } = await bootstrapInstallation(database.db, {
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    dataDir,
  }));
  await ensureBuild();

  // The browser's origin is the proxy's TLS port, so it must be chosen before either process starts.
  const [webPort, tlsPort] = await Promise.all([freePort(), freePort()]);
  publicOrigin = `https://${HOST}:${tlsPort}`;
  web = await startWeb({
    DATABASE_URL: database.url,
    PORT: String(webPort),
    CONCIERGE_PUBLIC_URL: publicOrigin,
    CONCIERGE_TRUSTED_PROXIES: "127.0.0.1",
    CONCIERGE_DATA_DIR: dataDir,
  });
  await buildProxyBundle();
  node = await startNode({
    DATABASE_URL: database.url,
    CONCIERGE_DATA_DIR: dataDir,
    CONCIERGE_WEB_URL: web.baseUrl,
    PROXY_TLS_PORT: String(tlsPort),
  });

  const api = await signInToApi({ baseUrl: web.baseUrl, publicOrigin, ...ADMIN });
  const pool = await api.post<{ id: string }>("/api/v1/pools", {
    name: "dashboard",
    targets: [{ url: web.baseUrl }],
  });
  await api.post("/api/v1/routes", { name: "dashboard", hosts: [HOST], poolId: pool.id });
  // Last, so the revision that opens the TLS port already holds the route.
  await api.post("/api/v1/certificates/self-signed", { hosts: [HOST], isDefault: true });

  await node.waitForLog("tls listening", (line) => line.msg === "tls listening", 20_000);
  // A target's first failed probe takes it out of rotation, so a slow first render can cost one probe interval.
  await waitForHttpsAnswer({ port: tlsPort, host: HOST, path: "/sign-in", timeoutMs: 30_000 });
  testBrowser = await launchBrowser([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]);
}, 300_000);

afterAll(async () => {
  await testBrowser?.close();
  await node?.stop();
  await web?.stop();
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("the dashboard behind Concierge's own TLS port", () => {
  it("serves sign-in over HTTP/2 with the stored certificate and keeps the session cookie Secure", async () => {
    const context = await testBrowser.browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const webSockets: string[] = [];
    page.on("websocket", (socket) => webSockets.push(socket.url()));

    const response = await page.goto(`${publicOrigin}/sign-in`);
    if (response === null) throw new Error("the sign-in page gave no response");
    expect(response.status()).toBe(200);
    expect((await response.securityDetails())?.subjectName).toBe(HOST);
    const via = `1.1 concierge-${installationId}`;
    expect(await response.headerValue("via")).toBe(via);
    expect(
      await page.evaluate(
        () => (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).nextHopProtocol,
      ),
    ).toBe("h2");

    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("signed-in-as").waitFor();
    expect(new URL(page.url()).origin).toBe(publicOrigin);

    const session = (await context.cookies(publicOrigin)).find(
      (cookie) => cookie.name === "concierge_session",
    );
    expect(session).toMatchObject({ domain: HOST, secure: true, httpOnly: true, sameSite: "Lax" });

    // The signed-in dashboard's own API calls also come back through the proxy over HTTP/2.
    const sessionCall = await page.evaluate(async () => {
      const answer = await fetch("/api/v1/session");
      const timing = performance.getEntriesByName(answer.url)[0] as PerformanceResourceTiming;
      return { status: answer.status, protocol: timing.nextHopProtocol, via: answer.headers.get("via") };
    });
    expect(sessionCall).toEqual({ status: 200, protocol: "h2", via });

    // Live updates: socket.io's WebSocket goes through the same port and passes the origin check.
    await expect
      .poll(() => page.getByTestId("live-badge").textContent(), { timeout: 15_000 })
      .toBe("Live");
    expect(webSockets.some((url) => url.startsWith(`wss://${HOST}:`))).toBe(true);
    await context.close();
  });
});
