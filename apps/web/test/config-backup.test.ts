import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { latestRevision } from "@concierge/db/config-change";

import {
  type TestApi,
  callApi,
  createUserWithToken,
  samplePool,
  startTestApi,
} from "./support/in-process-api.ts";

let api: TestApi;
let admin: Awaited<ReturnType<typeof createUserWithToken>>;
let viewer: Awaited<ReturnType<typeof createUserWithToken>>;

interface Backup {
  format: string;
  version: number;
  exportedAt: string;
  revision: number;
  snapshot: {
    pools: Array<{ id: string; name: string; targets: Array<{ id: string; url: string }> }>;
    routes: Array<{
      id: string;
      name: string;
      pathPrefix: string;
      responseHeaders: { set: Record<string, string>; remove: string[] };
    }>;
  };
}
interface Problem {
  status: number;
  errors?: { path: string; message: string }[];
}

beforeAll(async () => {
  api = await startTestApi();
  admin = await createUserWithToken(api.database, "admin");
  viewer = await createUserWithToken(api.database, "viewer");

  const pool = await callApi("POST", "/api/v1/pools", {
    token: admin.token,
    body: samplePool("shop"),
  });
  expect(pool.status).toBe(201);
  const { id: poolId } = (await pool.json()) as { id: string };
  for (const [name, pathPrefix] of [
    ["assets", "/assets"],
    ["site", "/"],
  ]) {
    const route = await callApi("POST", "/api/v1/routes", {
      token: admin.token,
      body: {
        name,
        hosts: ["shop.example"],
        pathPrefix,
        poolId,
        cache: { enabled: name === "assets" },
      },
    });
    expect(route.status).toBe(201);
  }
});
afterAll(async () => {
  await api.close();
});

async function exportBackup(token: string): Promise<Backup> {
  const response = await callApi("GET", "/api/v1/config/export", { token });
  expect(response.status).toBe(200);
  return (await response.json()) as Backup;
}

describe("config export and import", () => {
  it("exports the latest revision, imports a changed copy as one revision, and exports it back", async () => {
    const exported = await exportBackup(viewer.token);
    const latest = await latestRevision(api.database.db);
    expect(exported).toMatchObject({
      format: "concierge-config",
      version: 1,
      revision: latest?.revision,
    });
    expect(Date.parse(exported.exportedAt)).not.toBeNaN();
    expect(exported.snapshot).toEqual(latest?.snapshot);
    expect(exported.snapshot.routes.map((route) => route.name)).toEqual(["assets", "site"]);

    const changed = structuredClone(exported);
    const [assets, site] = changed.snapshot.routes;
    assets!.pathPrefix = "/static";
    site!.responseHeaders = { set: { "x-served-by": "concierge" }, remove: [] };
    const { targets } = changed.snapshot.pools[0]!;
    targets.push({ ...targets[0]!, id: crypto.randomUUID(), url: "http://127.0.0.1:9002" });

    const imported = await callApi("POST", "/api/v1/config/import?message=restore", {
      token: admin.token,
      body: changed,
    });
    expect(imported.status).toBe(200);
    const { revision } = (await imported.json()) as { revision: number };
    expect(revision).toBe(exported.revision + 1);

    const again = await exportBackup(viewer.token);
    expect(again.revision).toBe(revision);
    expect(again.snapshot).toEqual(changed.snapshot);

    const audit = await api.database.db.auditEntry.findFirst({ where: { revision } });
    expect(audit).toMatchObject({ action: "config.import", actorId: admin.id });
    const stored = await api.database.db.configRevision.findUnique({ where: { number: revision } });
    expect(stored?.message).toBe("restore");
  });

  it("refuses an invalid backup, naming the field, and changes nothing", async () => {
    const before = await exportBackup(admin.token);
    const broken = structuredClone(before);
    broken.snapshot.routes[0]!.pathPrefix = "static";

    const response = await callApi("POST", "/api/v1/config/import", {
      token: admin.token,
      body: broken,
    });
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const problem = (await response.json()) as Problem;
    expect(problem.errors?.map((error) => error.path)).toContain("snapshot.routes[0].pathPrefix");

    const wrongFormat = await callApi("POST", "/api/v1/config/import", {
      token: admin.token,
      body: { ...before, format: "something-else" },
    });
    expect(wrongFormat.status).toBe(422);
    expect(((await wrongFormat.json()) as Problem).errors?.map((error) => error.path)).toContain(
      "format",
    );

    expect((await exportBackup(admin.token)).revision).toBe(before.revision);
  });

  it("lets only admins import and only signed-in callers export", async () => {
    const backup = await exportBackup(viewer.token);
    const asViewer = await callApi("POST", "/api/v1/config/import", {
      token: viewer.token,
      body: backup,
    });
    expect(asViewer.status).toBe(403);
    const editor = await createUserWithToken(api.database, "editor");
    const asEditor = await callApi("POST", "/api/v1/config/import", {
      token: editor.token,
      body: backup,
    });
    expect(asEditor.status).toBe(403);

    expect((await callApi("GET", "/api/v1/config/export")).status).toBe(401);
    expect((await callApi("POST", "/api/v1/config/import", { body: backup })).status).toBe(401);
    expect((await exportBackup(viewer.token)).revision).toBe(backup.revision);
  });
});
