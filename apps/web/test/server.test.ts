import { hashPassword } from "@concierge/db/password";
import { createUserRepository } from "@concierge/db/repositories/users";
import { hashToken } from "@concierge/db/token-hash";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createTestDatabase,
  type TestDatabase,
} from "../../../packages/db/test-support/fresh-database.ts";
import {
  type RunningWeb,
  ensureBuild,
  runWebExpectingExit,
  startWeb,
} from "./support/start-web.ts";

const PUBLIC_URL = "http://dashboard.test";
const ADMIN = { email: "admin@example.test", password: "server test password" };
const NODE_TOKEN = "node-token-for-the-server-test-0123456789";

let database: TestDatabase;
let web: RunningWeb;

beforeAll(async () => {
  database = await createTestDatabase();
  await createUserRepository(database.db).create({
    email: ADMIN.email,
    role: "admin",
    passwordHash: await hashPassword(ADMIN.password),
  });
  await database.db.nodeToken.create({ data: { name: "test", tokenHash: hashToken(NODE_TOKEN) } });
  await ensureBuild();
  web = await startWeb({ DATABASE_URL: database.url, CONCIERGE_PUBLIC_URL: PUBLIC_URL });
}, 240_000);

afterAll(async () => {
  await web?.stop();
  await database?.drop();
});

async function signIn(): Promise<{ cookie: string; setCookie: string }> {
  const response = await fetch(`${web.baseUrl}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: PUBLIC_URL },
    body: JSON.stringify(ADMIN),
  });
  expect(response.status).toBe(201);
  const setCookie = response.headers.get("set-cookie") ?? "";
  return { setCookie, cookie: setCookie.split(";")[0] ?? "" };
}

/** "connected", or why the handshake was refused. */
function connected(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once("connect", () => resolve("connected"));
    socket.once("connect_error", (error) => resolve(error.message));
  });
}

describe("the web server", () => {
  it("serves an OpenAPI 3.1 document, and every non-public path in it answers 401 to anonymous callers", async () => {
    const response = await fetch(`${web.baseUrl}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    expect(document.openapi).toBe("3.1.0");
    const checked: string[] = [];
    for (const [template, operations] of Object.entries(document.paths)) {
      const path = template
        .replace("{number}", "1")
        .replace(/\{\w+\}/g, "00000000-0000-4000-8000-000000000000");
      for (const [method, operation] of Object.entries(operations)) {
        if (Array.isArray(operation.security) && operation.security.length === 0) continue;
        const answer = await fetch(`${web.baseUrl}${path}`, {
          method: method.toUpperCase(),
          headers: { "content-type": "application/json" },
          ...(method === "get" || method === "delete" ? {} : { body: "{}" }),
        });
        expect(`${method} ${template} → ${answer.status}`).toBe(`${method} ${template} → 401`);
        checked.push(`${method} ${template}`);
      }
    }
    expect(checked.length).toBeGreaterThan(20);
  });

  it("signs in over HTTP with a host-only HttpOnly SameSite=Lax cookie (not Secure over plain HTTP)", async () => {
    const { setCookie } = await signIn();
    expect(setCookie).toMatch(/^concierge_session=/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
    expect(setCookie).not.toMatch(/Domain=|Secure/i);
  });

  it("ignores X-Forwarded-Proto from a peer that is not a trusted proxy", async () => {
    const response = await fetch(`${web.baseUrl}/api/v1/session`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-forwarded-proto": "https",
        "x-concierge-client-https": "1",
      },
      body: JSON.stringify(ADMIN),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("set-cookie")).not.toContain("Secure");
  });

  it("refuses a cookie-authenticated mutation without the dashboard's Origin", async () => {
    const { cookie } = await signIn();
    const request = (origin?: string) =>
      fetch(`${web.baseUrl}/api/v1/tokens`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie, ...(origin ? { origin } : {}) },
        body: JSON.stringify({ name: "t" }),
      });
    expect((await request()).status).toBe(403);
    expect((await request("http://evil.test")).status).toBe(403);
    expect((await request(PUBLIC_URL)).status).toBe(201);
  });

  it("redirects the dashboard to /sign-in without a session and renders it with one", async () => {
    const anonymous = await fetch(`${web.baseUrl}/`, { redirect: "manual" });
    expect([303, 307, 308]).toContain(anonymous.status);
    expect(anonymous.headers.get("location")).toMatch(/\/sign-in$/);

    const { cookie } = await signIn();
    const page = await fetch(`${web.baseUrl}/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(ADMIN.email);

    const signInPage = await fetch(`${web.baseUrl}/sign-in`);
    expect(signInPage.status).toBe(200);
    expect(await signInPage.text()).toContain("Sign in to Concierge");
  });

  it("turns node metrics into live ticks for signed-in dashboards, closes them on sign-out, refuses bad origins, cookies and node tokens", async () => {
    const { cookie } = await signIn();
    const sockets: Socket[] = [];
    const open = (namespace: string, options: Parameters<typeof connect>[1]) => {
      const socket = connect(`${web.baseUrl}${namespace}`, {
        transports: ["websocket"],
        reconnection: false,
        ...options,
      });
      sockets.push(socket);
      return socket;
    };
    try {
      expect(await connected(open("/dashboard", { extraHeaders: { origin: PUBLIC_URL } }))).toBe(
        "unauthorized",
      );
      expect(
        await connected(
          open("/dashboard", { extraHeaders: { origin: "http://evil.test", cookie } }),
        ),
      ).toBe("forbidden origin");
      expect(await connected(open("/nodes", { auth: { token: "wrong", nodeId: "n1" } }))).toBe(
        "unauthorized",
      );

      const dashboard = open("/dashboard", { extraHeaders: { origin: PUBLIC_URL, cookie } });
      expect(await connected(dashboard)).toBe("connected");
      const node = open("/nodes", { auth: { token: NODE_TOKEN, nodeId: "n1" } });
      expect(await connected(node)).toBe("connected");

      await new Promise<void>((resolve) =>
        dashboard.emit("live:subscribe", { nodeId: "n1" }, resolve),
      );
      const received = new Promise<{ nodeId: string; totals: { inFlight: number } }>((resolve) =>
        dashboard.once("live:tick", resolve),
      );
      const delta = {
        at: Date.now(),
        intervalMs: 1_000,
        workers: 1,
        revision: 1,
        clientConnections: 2,
        inFlight: 1,
        routes: [],
        targets: [],
      };
      node.emit("node:metrics", delta);
      expect(await received).toMatchObject({ nodeId: "n1", totals: { inFlight: 1 } });

      const closed = new Promise<string>((resolve) => dashboard.once("disconnect", resolve));
      const signOut = await fetch(`${web.baseUrl}/api/v1/session`, {
        method: "DELETE",
        headers: { cookie, origin: PUBLIC_URL },
      });
      expect(signOut.status).toBe(204);
      expect(await closed).toBe("io server disconnect");
    } finally {
      for (const socket of sockets) socket.close();
    }
  });

  it("says so in one sentence and exits 1 when the port is taken", async () => {
    const { code, stderr } = await runWebExpectingExit({
      DATABASE_URL: database.url,
      PORT: String(web.port),
    });
    expect(code).toBe(1);
    expect(stderr).toContain(`Port ${web.port} is already in use`);
  });

  it("stops cleanly on SIGTERM", async () => {
    const second = await startWeb({ DATABASE_URL: database.url, CONCIERGE_PUBLIC_URL: PUBLIC_URL });
    const { cookie } = await signIn();
    const node = connect(`${second.baseUrl}/dashboard`, {
      transports: ["websocket"],
      reconnection: false,
      extraHeaders: { origin: PUBLIC_URL, cookie },
    });
    expect(await connected(node)).toBe("connected");
    const started = Date.now();
    expect(await second.stop()).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    node.close();
  });
});
