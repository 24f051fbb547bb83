import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  type TestApi,
  callApi,
  createUserWithToken,
  signInCookie,
  startTestApi,
} from "./support/in-process-api.ts";

let api: TestApi;
let admin: Awaited<ReturnType<typeof createUserWithToken>>;

beforeAll(async () => {
  api = await startTestApi();
  admin = await createUserWithToken(api.database, "admin");
});
afterAll(async () => {
  await api.close();
});

interface Entry {
  action: string;
  entityType: string;
  entityId: string | null;
  actor: { id: string } | null;
}

async function auditActions(): Promise<Entry[]> {
  const response = await callApi("GET", "/api/v1/audit", { token: admin.token });
  expect(response.status).toBe(200);
  const body = (await response.json()) as Entry[] | { entries: Entry[] };
  return Array.isArray(body) ? body : body.entries;
}

describe("the audit log of people and credentials", () => {
  it("records users, tokens and sign-ins, who acted, and never a secret", async () => {
    const password = "a long and secret password 42";
    const created = await callApi("POST", "/api/v1/users", {
      token: admin.token,
      body: { email: "new-editor@example.test", password, role: "editor" },
    });
    expect(created.status).toBe(201);
    const { id: userId } = (await created.json()) as { id: string };
    const updated = await callApi("PATCH", `/api/v1/users/${userId}`, {
      token: admin.token,
      body: { role: "viewer" },
    });
    expect(updated.status).toBe(200);
    await signInCookie("new-editor@example.test", password);

    const token = await callApi("POST", "/api/v1/tokens", {
      token: admin.token,
      body: { name: "ci" },
    });
    const { id: tokenId, token: secret } = (await token.json()) as { id: string; token: string };
    expect(
      (await callApi("DELETE", `/api/v1/tokens/${tokenId}`, { token: admin.token })).status,
    ).toBe(204);

    const entries = await auditActions();
    const actions = entries.map((entry) => `${entry.action} ${entry.entityId ?? ""}`.trim());
    expect(actions).toEqual(
      expect.arrayContaining([
        `user.create ${userId}`,
        `user.update ${userId}`,
        "session.create",
        `token.create ${tokenId}`,
        `token.revoke ${tokenId}`,
      ]),
    );
    expect(entries.find((entry) => entry.action === "user.create")?.actor?.id).toBe(admin.id);
    const rows = JSON.stringify(
      await api.database.db.auditEntry.findMany({
        select: { action: true, before: true, after: true },
      }),
    );
    expect(rows).not.toContain(password);
    expect(rows).not.toContain(secret);
  });
});
