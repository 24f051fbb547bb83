import { hashPassword } from "@concierge/db/password";
import { createUserRepository } from "@concierge/db/repositories/users";
import { afterAll, beforeAll, expect, it } from "vitest";

import {
  createTestDatabase,
  type TestDatabase,
} from "../../../../packages/db/test-support/fresh-database.ts";
import { type RunningWeb, ensureBuild, startWeb } from "../support/start-web.ts";

const PUBLIC_URL = "http://dashboard.test";
const ADMIN = { email: "admin@example.test", password: "admin password for the log test" };

let database: TestDatabase;
let web: RunningWeb;
let output = "";

beforeAll(async () => {
  database = await createTestDatabase();
  await createUserRepository(database.db).create({
    email: ADMIN.email,
    role: "admin",
    passwordHash: await hashPassword(ADMIN.password),
  });
  await ensureBuild();
  web = await startWeb({ DATABASE_URL: database.url, CONCIERGE_PUBLIC_URL: PUBLIC_URL });
  web.process.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  web.process.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
}, 240_000);

afterAll(async () => {
  await web?.stop();
  await database?.drop();
});

function call(
  path: string,
  init: { method?: string; cookie?: string; token?: string; body?: string },
): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    origin: PUBLIC_URL,
  };
  if (init.cookie) headers.cookie = init.cookie;
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  return fetch(`${web.baseUrl}${path}`, {
    method: init.method ?? "POST",
    headers,
    body: init.body ?? null,
  });
}

it("keeps passwords, tokens and session values out of the server's output", async () => {
  const wrongPassword = "a wrong password that must not be logged";
  const userPassword = "a new user's password that must not be logged";
  const malformedSecret = "secret inside malformed json";

  expect(
    (await call("/api/v1/session", { body: JSON.stringify({ ...ADMIN, password: wrongPassword }) }))
      .status,
  ).toBe(401);
  const signedIn = await call("/api/v1/session", { body: JSON.stringify(ADMIN) });
  expect(signedIn.status).toBe(201);
  const cookie = (signedIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const sessionValue = cookie.split("=")[1] ?? "";
  expect(sessionValue.length).toBeGreaterThan(20);

  const created = await call("/api/v1/users", {
    cookie,
    body: JSON.stringify({ email: "logged@example.test", password: userPassword, role: "viewer" }),
  });
  expect(created.status).toBe(201);
  const minted = await call("/api/v1/tokens", { cookie, body: JSON.stringify({ name: "ci" }) });
  const { token } = (await minted.json()) as { token: string };
  expect((await call("/api/v1/pools", { method: "GET", token })).status).toBe(200);
  expect((await call("/api/v1/pools", { method: "GET", token: `${token}-tampered` })).status).toBe(
    401,
  );
  expect(
    (
      await call("/api/v1/session", {
        body: `{"email":"x@example.test","password":"${malformedSecret}"`,
      })
    ).status,
  ).toBe(400);
  expect((await call("/api/v1/tokens", { cookie, body: "x".repeat(2 * 1024 * 1024) })).status).toBe(
    413,
  );

  // Everything the server wrote is read once it has exited.
  expect(await web.stop()).toBe(0);
  expect(output).toContain("shutting down");
  for (const secret of [
    ADMIN.password,
    wrongPassword,
    userPassword,
    malformedSecret,
    sessionValue,
    token,
  ]) {
    expect(output.includes(secret), `the server's output holds "${secret.slice(0, 12)}…"`).toBe(
      false,
    );
  }
}, 60_000);
