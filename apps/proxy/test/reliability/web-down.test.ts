import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "../../../../packages/db/test-support/fresh-database.ts";
import { buildProxyBundle, startNode, type RunningNode } from "../control/support/start-node.ts";
import { waitFor } from "../control/support/wait-for.ts";
import { deadUrl, startOrigin, type TestOrigin } from "../upstream/support/start-origin.ts";
import { addRoutes } from "./support/config.ts";
import { startLoad } from "./support/load.ts";

let database: TestDatabase;
let dataDir: string;
let origin: TestOrigin;
let node: RunningNode;

beforeAll(async () => {
  [, database, dataDir, origin] = await Promise.all([
    buildProxyBundle(),
    createTestDatabase(),
    mkdtemp(path.join(tmpdir(), "concierge-web-down-")),
    startOrigin(),
  ]);
}, 60_000);

afterAll(async () => {
  await node?.stop();
  await origin?.kill();
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("the web app down", () => {
  it("serves traffic and reports ready while the dashboard cannot be reached", async () => {
    const revision = await addRoutes(database.db, [{ pathPrefix: "/", pool: { targets: [{ url: origin.url }] } }]);
    node = await startNode({
      DATABASE_URL: database.url,
      CONCIERGE_DATA_DIR: dataDir,
      CONCIERGE_WEB_URL: await deadUrl(),
      PROXY_SHUTDOWN_GRACE_MS: "2000",
    });
    const readyz = await waitFor("config served", async () => {
      const current = await node.readyz();
      return current.body.revision === revision ? current : undefined;
    });
    expect(readyz.status).toBe(200);
    expect(readyz.body).toMatchObject({ ready: true, database: "connected" });

    const load = startLoad({ baseUrl: node.dataUrl, concurrency: 4, maxRequests: 200, path: (index) => `/page/${index}` });
    await waitFor("load done", () => load.outcomes.length === 200);
    await load.stop();
    expect(load.failures()).toEqual([]);
    expect((await fetch(`${node.adminUrl}/healthz`)).status).toBe(200);
    expect(node.process.exitCode).toBeNull();
  });
});
