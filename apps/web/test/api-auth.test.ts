import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { OPERATIONS } from "../src/openapi/openapi-document.ts";
import {
  type TestApi,
  callApi,
  createUserWithToken,
  signInCookie,
  startTestApi,
} from "./support/in-process-api.ts";

let api: TestApi;
let admin: Awaited<ReturnType<typeof createUserWithToken>>;
let viewer: Awaited<ReturnType<typeof createUserWithToken>>;

beforeAll(async () => {
  api = await startTestApi();
  admin = await createUserWithToken(api.database, "admin");
  viewer = await createUserWithToken(api.database, "viewer");
});

afterAll(async () => {
  await api.close();
});

function concretePath(template: string): string {
  return template
    .replace("{number}", "1")
    .replace(/\{\w+\}/g, "00000000-0000-4000-8000-000000000000");
}

describe("/api/v1 authorisation", () => {
  const protectedOperations = OPERATIONS.filter((operation) => operation.role !== undefined);

  it("answers 401 problem+json to anonymous callers on every non-public operation", async () => {
    expect(protectedOperations.length).toBeGreaterThan(20);
    for (const operation of protectedOperations) {
      const response = await callApi(operation.method.toUpperCase(), concretePath(operation.path), {
        ...(operation.body ? { body: {} } : {}),
      });
      expect({
        operation: `${operation.method} ${operation.path}`,
        status: response.status,
      }).toEqual({
        operation: `${operation.method} ${operation.path}`,
        status: 401,
      });
      expect(response.headers.get("content-type")).toBe("application/problem+json");
    }
  });

  it("answers 401 to an unknown Bearer token", async () => {
    const response = await callApi("GET", "/api/v1/pools", { token: "ck_not-a-real-token" });
    expect(response.status).toBe(401);
  });

  it("refuses writes by a viewer with 403", async () => {
    const writes = [
      ["POST", "/api/v1/pools", { name: "p", targets: [{ url: "http://127.0.0.1:1" }] }],
      [
        "POST",
        "/api/v1/routes",
        { name: "r", hosts: ["*"], poolId: "00000000-0000-4000-8000-000000000000" },
      ],
      ["POST", "/api/v1/users", { email: "x@example.test", role: "viewer" }],
      ["GET", "/api/v1/users", undefined],
      ["POST", "/api/v1/revisions/1/rollback", undefined],
    ] as const;
    for (const [method, path, body] of writes) {
      const response = await callApi(method, path, {
        token: viewer.token,
        ...(body ? { body } : {}),
      });
      expect({ path, status: response.status }).toEqual({ path, status: 403 });
    }
    expect((await callApi("GET", "/api/v1/pools", { token: viewer.token })).status).toBe(200);
  });
});

describe("sign-in", () => {
  it("sets a host-only HttpOnly SameSite=Lax session cookie and the session works", async () => {
    const response = await callApi("POST", "/api/v1/session", {
      body: { email: viewer.email, password: viewer.password },
    });
    expect(response.status).toBe(201);
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^concierge_session=[\w-]{40,};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Path=/");
    expect(cookie).not.toMatch(/Domain=/i);
    expect(cookie).not.toContain("Secure");

    const session = await callApi("GET", "/api/v1/session", { cookie: cookie.split(";")[0] });
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({ user: { email: viewer.email, role: "viewer" } });
  });

  it("marks the cookie Secure when the client came over HTTPS", async () => {
    const response = await callApi("POST", "/api/v1/session", {
      body: { email: viewer.email, password: viewer.password },
      https: true,
    });
    expect(response.headers.get("set-cookie")).toContain("; Secure");
  });

  it("answers a wrong password and an unknown email with the same generic 401", async () => {
    const wrong = await callApi("POST", "/api/v1/session", {
      body: { email: admin.email, password: "not the password" },
      clientAddress: "10.0.0.1",
    });
    const unknown = await callApi("POST", "/api/v1/session", {
      body: { email: "nobody@example.test", password: "whatever" },
      clientAddress: "10.0.0.1",
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [wrongBody, unknownBody] = (await Promise.all([wrong.json(), unknown.json()])) as {
      detail: string;
    }[];
    expect(wrongBody?.detail).toBe("Email or password is wrong");
    expect(unknownBody?.detail).toBe(wrongBody?.detail);
  });

  it("limits failed sign-ins per account with 429 and Retry-After, even with the right password", async () => {
    const target = await createUserWithToken(api.database, "editor");
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await callApi("POST", "/api/v1/session", {
        body: { email: target.email, password: "guess" },
        clientAddress: `10.1.0.${attempt}`,
      });
      expect(response.status).toBe(401);
    }
    const limited = await callApi("POST", "/api/v1/session", {
      body: { email: target.email, password: target.password },
      clientAddress: "10.1.1.1",
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("limits failed sign-ins per client address across accounts", async () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const response = await callApi("POST", "/api/v1/session", {
        body: { email: `spray-${attempt}@example.test`, password: "guess" },
        clientAddress: "10.2.0.1",
      });
      expect(response.status).toBe(401);
    }
    const limited = await callApi("POST", "/api/v1/session", {
      body: { email: viewer.email, password: viewer.password },
      clientAddress: "10.2.0.1",
    });
    expect(limited.status).toBe(429);
    const elsewhere = await callApi("POST", "/api/v1/session", {
      body: { email: viewer.email, password: viewer.password },
      clientAddress: "10.2.0.2",
    });
    expect(elsewhere.status).toBe(201);
  });

  it("refuses a disabled user", async () => {
    const user = await createUserWithToken(api.database, "viewer");
    const disabled = await callApi("PATCH", `/api/v1/users/${user.id}`, {
      token: admin.token,
      body: { disabled: true },
    });
    expect(disabled.status).toBe(200);
    const response = await callApi("POST", "/api/v1/session", {
      body: { email: user.email, password: user.password },
    });
    expect(response.status).toBe(401);
    expect((await callApi("GET", "/api/v1/pools", { token: user.token })).status).toBe(401);
  });
});

describe("cookie-authenticated mutations", () => {
  it("need the dashboard's Origin and a JSON body; Bearer calls need neither Origin", async () => {
    const cookie = await signInCookie(admin.email, admin.password);
    const body = { name: "from-cookie" };
    const noOrigin = await callApi("POST", "/api/v1/tokens", { cookie, body, origin: null });
    const foreign = await callApi("POST", "/api/v1/tokens", {
      cookie,
      body,
      origin: "http://evil.test",
    });
    const form = await callApi("POST", "/api/v1/tokens", {
      cookie,
      rawBody: "name=x",
      contentType: "application/x-www-form-urlencoded",
    });
    const sameOrigin = await callApi("POST", "/api/v1/tokens", { cookie, body });
    const bearer = await callApi("POST", "/api/v1/tokens", { token: admin.token, body });
    expect([
      noOrigin.status,
      foreign.status,
      form.status,
      sameOrigin.status,
      bearer.status,
    ]).toEqual([403, 403, 403, 201, 201]);
  });

  it("signing out ends the session; ?all=1 ends every session", async () => {
    const first = await signInCookie(admin.email, admin.password);
    const second = await signInCookie(admin.email, admin.password);
    expect((await callApi("DELETE", "/api/v1/session", { cookie: first })).status).toBe(204);
    expect((await callApi("GET", "/api/v1/session", { cookie: first })).status).toBe(401);
    expect((await callApi("GET", "/api/v1/session", { cookie: second })).status).toBe(200);
    const third = await signInCookie(admin.email, admin.password);
    expect((await callApi("DELETE", "/api/v1/session?all=1", { cookie: third })).status).toBe(204);
    expect((await callApi("GET", "/api/v1/session", { cookie: second })).status).toBe(401);
  });
});

describe("API tokens", () => {
  it("are shown once, work as Bearer, and stop working when revoked", async () => {
    const created = await callApi("POST", "/api/v1/tokens", {
      token: viewer.token,
      body: { name: "ci" },
    });
    expect(created.status).toBe(201);
    const { id, token, prefix } = (await created.json()) as {
      id: string;
      token: string;
      prefix: string;
    };
    expect(token).toMatch(/^ck_/);
    expect(token.startsWith(prefix)).toBe(true);

    const listed = (await (await callApi("GET", "/api/v1/tokens", { token })).json()) as Record<
      string,
      unknown
    >[];
    expect(listed.map((entry) => entry.id)).toContain(id);
    expect(listed.every((entry) => !("token" in entry) && !("tokenHash" in entry))).toBe(true);

    expect((await callApi("DELETE", `/api/v1/tokens/${id}`, { token: viewer.token })).status).toBe(
      204,
    );
    expect((await callApi("GET", "/api/v1/pools", { token })).status).toBe(401);
  });

  it("act with the owner's current role", async () => {
    const user = await createUserWithToken(api.database, "editor");
    const pool = { name: `role-${Date.now()}`, targets: [{ url: "http://127.0.0.1:9100" }] };
    expect(
      (
        await callApi("PATCH", `/api/v1/users/${user.id}`, {
          token: admin.token,
          body: { role: "viewer" },
        })
      ).status,
    ).toBe(200);
    expect((await callApi("POST", "/api/v1/pools", { token: user.token, body: pool })).status).toBe(
      403,
    );
  });

  it("cannot be revoked by another non-admin user", async () => {
    const other = await createUserWithToken(api.database, "editor");
    const created = (await (
      await callApi("POST", "/api/v1/tokens", { token: viewer.token, body: { name: "mine" } })
    ).json()) as { id: string };
    expect(
      (await callApi("DELETE", `/api/v1/tokens/${created.id}`, { token: other.token })).status,
    ).toBe(404);
    expect(
      (await callApi("DELETE", `/api/v1/tokens/${created.id}`, { token: admin.token })).status,
    ).toBe(204);
  });
});

describe("users", () => {
  it("never demotes, disables or removes the last admin", async () => {
    const admins = (await (
      await callApi("GET", "/api/v1/users", { token: admin.token })
    ).json()) as { id: string; role: string; disabled: boolean }[];
    const activeAdmins = admins.filter((user) => user.role === "admin" && !user.disabled);
    expect(activeAdmins).toHaveLength(1);
    for (const [method, body] of [
      ["PATCH", { role: "editor" }],
      ["PATCH", { disabled: true }],
      ["DELETE", undefined],
    ] as const) {
      const response = await callApi(method, `/api/v1/users/${admin.id}`, {
        token: admin.token,
        ...(body ? { body } : {}),
      });
      expect(response.status).toBe(409);
    }
    const second = await createUserWithToken(api.database, "admin");
    expect(
      (
        await callApi("PATCH", `/api/v1/users/${admin.id}`, {
          token: second.token,
          body: { role: "admin" },
        })
      ).status,
    ).toBe(200);
    const demoted = await callApi("PATCH", `/api/v1/users/${second.id}`, {
      token: admin.token,
      body: { role: "editor" },
    });
    expect(demoted.status).toBe(200);
  });

  it("invites a user without a password: the link works once", async () => {
    const email = `invited-${Date.now()}@example.test`;
    const created = await callApi("POST", "/api/v1/users", {
      token: admin.token,
      body: { email, role: "editor" },
    });
    expect(created.status).toBe(201);
    const { inviteUrl } = (await created.json()) as { inviteUrl: string };
    const invite = new URL(inviteUrl).searchParams.get("token") ?? "";
    const password = "a brand new password";
    expect(
      (await callApi("POST", "/api/v1/invites/accept", { body: { token: invite, password } }))
        .status,
    ).toBe(200);
    expect(
      (await callApi("POST", "/api/v1/invites/accept", { body: { token: invite, password } }))
        .status,
    ).toBe(422);
    expect((await callApi("POST", "/api/v1/session", { body: { email, password } })).status).toBe(
      201,
    );
  });

  it("lets a user who must change their password do only that", async () => {
    const user = await createUserWithToken(api.database, "editor");
    await api.database.db.user.update({
      where: { id: user.id },
      data: { mustChangePassword: true },
    });
    const blocked = await callApi("GET", "/api/v1/pools", { token: user.token });
    expect(blocked.status).toBe(403);
    expect(((await blocked.json()) as { code: string }).code).toBe("password-change-required");
    const changed = await callApi("POST", "/api/v1/session/password", {
      token: user.token,
      body: { currentPassword: user.password, newPassword: "another long password" },
    });
    expect(changed.status).toBe(204);
    expect((await callApi("GET", "/api/v1/pools", { token: user.token })).status).toBe(200);
  });
});
