import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  type TestApi,
  callApi,
  createUserWithToken,
  signInCookie,
  startTestApi,
} from "./support/in-process-api.ts";

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

/** The user's own audit rows about sessions and their account (not the test's API token), oldest first. */
async function auditOf(userId: string) {
  return api.database.db.auditEntry.findMany({
    where: { actorId: userId, entityType: { in: ["session", "user"] } },
    orderBy: { id: "asc" },
    select: { action: true, entityType: true, entityId: true, clientIp: true, before: true, after: true },
  });
}

describe("the audit log of sign-outs and password changes", () => {
  it("records a sign-out of one session with the session, the actor and the client address", async () => {
    const user = await createUserWithToken(api.database, "viewer");
    const cookie = await signInCookie(user.email, user.password);
    const session = await api.database.db.session.findFirstOrThrow({
      where: { userId: user.id, revokedAt: null },
      select: { id: true },
    });

    const signedOut = await callApi("DELETE", "/api/v1/session", { cookie, clientAddress: "192.0.2.7" });
    expect(signedOut.status).toBe(204);

    expect(await auditOf(user.id)).toEqual([
      expect.objectContaining({ action: "session.create" }),
      { action: "session.revoke", entityType: "session", entityId: session.id, clientIp: "192.0.2.7", before: null, after: null },
    ]);
  });

  it("records a sign-out everywhere", async () => {
    const user = await createUserWithToken(api.database, "editor");
    const cookie = await signInCookie(user.email, user.password);
    expect((await callApi("DELETE", "/api/v1/session?all=1", { cookie })).status).toBe(204);
    expect((await auditOf(user.id)).map((entry) => entry.action)).toEqual(["session.create", "session.revoke-all"]);
  });

  it("records a password change without the password, and nothing when the current password is wrong", async () => {
    const user = await createUserWithToken(api.database, "viewer");
    const cookie = await signInCookie(user.email, user.password);
    const newPassword = "a brand new and long password 7";

    const refused = await callApi("POST", "/api/v1/session/password", {
      cookie,
      body: { currentPassword: "not the password at all", newPassword },
    });
    expect(refused.status).toBe(422);
    expect((await auditOf(user.id)).map((entry) => entry.action)).toEqual(["session.create"]);

    const changed = await callApi("POST", "/api/v1/session/password", {
      cookie,
      clientAddress: "198.51.100.4",
      body: { currentPassword: user.password, newPassword },
    });
    expect(changed.status).toBe(204);
    const entries = await auditOf(user.id);
    expect(entries.at(-1)).toEqual({
      action: "user.password-change",
      entityType: "user",
      entityId: user.id,
      clientIp: "198.51.100.4",
      before: null,
      after: null,
    });
    const rows = JSON.stringify(
      await api.database.db.auditEntry.findMany({ select: { action: true, before: true, after: true } }),
    );
    expect(rows).not.toContain(newPassword);
    expect(rows).not.toContain(user.password);
  });
});
