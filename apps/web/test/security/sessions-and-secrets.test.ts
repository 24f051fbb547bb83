import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  type TestApi,
  callApi,
  createUserWithToken,
  signInCookie,
  startTestApi,
} from "../support/in-process-api.ts";

let api: TestApi;
let admin: Awaited<ReturnType<typeof createUserWithToken>>;

beforeAll(async () => {
  api = await startTestApi();
  admin = await createUserWithToken(api.database, "admin");
});

afterAll(async () => {
  await api.close();
});

const cookieValue = (setCookie: string | null) =>
  /^concierge_session=([^;]*)/.exec(setCookie ?? "")?.[1] ?? "";

describe("cross-site requests with the session cookie", () => {
  // api-auth.test.ts covers no Origin, a foreign Origin and a form body on POST /api/v1/tokens.
  it("refuses a text/plain body, an opaque Origin and a body-less foreign DELETE; nothing changes", async () => {
    const cookie = await signInCookie(admin.email, admin.password);
    const victim = (await (
      await callApi("POST", "/api/v1/tokens", { token: admin.token, body: { name: "victim" } })
    ).json()) as { id: string; token: string };

    const plain = await callApi("POST", "/api/v1/tokens", {
      cookie,
      rawBody: JSON.stringify({ name: "plain" }),
      contentType: "text/plain",
    });
    const opaque = await callApi("POST", "/api/v1/tokens", {
      cookie,
      body: { name: "opaque" },
      origin: "null",
    });
    const foreignDelete = await callApi("DELETE", `/api/v1/tokens/${victim.id}`, {
      cookie,
      origin: "http://evil.test",
    });
    const lookalike = await callApi("DELETE", `/api/v1/tokens/${victim.id}`, {
      cookie,
      origin: "http://dashboard.test.evil.test",
    });
    expect([plain.status, opaque.status, foreignDelete.status, lookalike.status]).toEqual([
      403, 403, 403, 403,
    ]);

    expect((await callApi("GET", "/api/v1/pools", { token: victim.token })).status).toBe(200);
    const names = (
      (await (await callApi("GET", "/api/v1/tokens", { token: admin.token })).json()) as {
        name: string;
      }[]
    ).map((token) => token.name);
    expect(names).not.toContain("plain");
    expect(names).not.toContain("opaque");
  });
});

describe("session fixation", () => {
  it("never adopts a session value the client chose before signing in", async () => {
    const planted = "attacker-chosen-session-value-0123456789abcdef";
    const response = await callApi("POST", "/api/v1/session", {
      body: { email: admin.email, password: admin.password },
      cookie: `concierge_session=${planted}`,
    });
    expect(response.status).toBe(201);
    const issued = cookieValue(response.headers.get("set-cookie"));
    expect(issued).not.toBe("");
    expect(issued).not.toBe(planted);
    expect(
      (await callApi("GET", "/api/v1/session", { cookie: `concierge_session=${planted}` })).status,
    ).toBe(401);
    expect(
      (await callApi("GET", "/api/v1/session", { cookie: `concierge_session=${issued}` })).status,
    ).toBe(200);
  });

  it("issues a new token on every sign-in, even over a valid session", async () => {
    const first = await signInCookie(admin.email, admin.password);
    const again = await callApi("POST", "/api/v1/session", {
      body: { email: admin.email, password: admin.password },
      cookie: first,
    });
    expect(again.status).toBe(201);
    expect(`concierge_session=${cookieValue(again.headers.get("set-cookie"))}`).not.toBe(first);
  });
});

describe("secrets at rest and in answers", () => {
  it("never shows passwords, tokens or session values in API answers or audit rows", async () => {
    const password = `user password ${Date.now()} zebra`;
    const changedPassword = `changed password ${Date.now()} okapi`;
    const created = await callApi("POST", "/api/v1/users", {
      token: admin.token,
      body: { email: `secret-${Date.now()}@example.test`, password, role: "editor" },
    });
    expect(created.status).toBe(201);
    const user = (await created.json()) as { id: string; email: string };
    const cookie = await signInCookie(user.email, password);
    const { token } = (await (
      await callApi("POST", "/api/v1/tokens", { cookie, body: { name: "automation" } })
    ).json()) as { token: string };
    expect(token).toMatch(/^ck_/);
    expect(
      (
        await callApi("POST", "/api/v1/session/password", {
          token,
          body: { currentPassword: password, newPassword: changedPassword },
        })
      ).status,
    ).toBe(204);
    // A config write by the new user, so the audit log has an entry of theirs to search.
    expect(
      (
        await callApi("POST", "/api/v1/pools", {
          token,
          body: { name: "audited", targets: [{ url: "http://127.0.0.1:9003" }] },
        })
      ).status,
    ).toBe(201);
    // An admin's reset, too (it makes the user change the password again).
    expect(
      (
        await callApi("PATCH", `/api/v1/users/${user.id}`, {
          token: admin.token,
          body: { password: changedPassword },
        })
      ).status,
    ).toBe(200);

    const secrets = [
      password,
      changedPassword,
      token,
      cookie.split("=")[1] ?? cookie,
      admin.password,
      admin.token,
    ];
    const answers = await Promise.all(
      ["/api/v1/users", "/api/v1/tokens", "/api/v1/audit", "/api/v1/session"].map(
        async (path) =>
          [path, await (await callApi("GET", path, { token: admin.token })).text()] as const,
      ),
    );
    for (const [path, text] of answers) {
      expect(text.length, path).toBeGreaterThan(2);
      for (const secret of secrets)
        expect(text.includes(secret), `${path} shows a secret`).toBe(false);
    }

    const rows = await api.database.db.auditEntry.findMany();
    expect(rows.length).toBeGreaterThan(0);
    const audit = JSON.stringify(rows, (_key, value: unknown) =>
      typeof value === "bigint" ? String(value) : value,
    );
    for (const secret of secrets)
      expect(audit.includes(secret), "an audit row holds a secret").toBe(false);

    const stored = JSON.stringify(await api.database.db.apiToken.findMany());
    expect(stored.includes(token)).toBe(false);
  });
});
