import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { listNodes } from "@concierge/db/repositories/nodes";

import { createTestDatabase } from "../../../../packages/db/test-support/fresh-database.ts";
import type { TestDatabase } from "../../../../packages/db/test-support/fresh-database.ts";
import { routeEverythingTo, writeInvalidRevision, writeRevision } from "./support/snapshots.ts";
import { buildProxyBundle, startNode } from "./support/start-node.ts";
import type { RunningNode } from "./support/start-node.ts";
import { waitFor } from "./support/wait-for.ts";

let database: TestDatabase;
let dataDir: string;
let origin: Server;
let originUrl: string;
/** Requests to /slow wait here until the test releases them. */
const heldResponses: Array<() => void> = [];
const nodes: RunningNode[] = [];
/** The newest valid revision, which every node of these tests ends up serving. */
let servedRevision = 0;

beforeAll(async () => {
  await buildProxyBundle();
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), "concierge-node-"));
  origin = createServer((req, res) => {
    const answer = () => res.end(`origin saw ${req.url}`);
    if (req.url === "/slow") heldResponses.push(answer);
    else answer();
  });
  origin.listen(0, "127.0.0.1");
  await once(origin, "listening");
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((node) => node.stop()));
});
afterAll(async () => {
  origin.closeAllConnections();
  origin.close();
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<RunningNode> {
  const node = await startNode({
    DATABASE_URL: database.url,
    CONCIERGE_DATA_DIR: dataDir,
    PROXY_NODE_ID: "node-under-test",
    PROXY_SHUTDOWN_GRACE_MS: "5000",
    ...env,
  });
  nodes.push(node);
  return node;
}

// The cases share one database and one data folder and build on each other, in order.
describe("proxy node process", () => {
  it("is not ready without a revision, then serves revision 1 once it exists", async () => {
    const node = await start();
    const before = await node.readyz();
    expect(before.status).toBe(503);
    expect(before.body).toMatchObject({ ready: false, revision: null, nodeId: "node-under-test", database: "connected" });
    expect((await fetch(`${node.dataUrl}/`)).status).toBe(503);

    const revision = await writeRevision(database.db);
    const after = await waitFor("readyz 200", async () => {
      const readyz = await node.readyz();
      return readyz.status === 200 ? readyz : undefined;
    });
    expect(after.body).toMatchObject({ ready: true, revision, source: "database", database: "connected" });
    expect((await fetch(`${node.dataUrl}/`)).status).toBe(404);

    const heartbeat = await waitFor("heartbeat row", async () => {
      const [row] = await listNodes(database.db);
      return row?.revisionApplied === revision ? row : undefined;
    });
    expect(heartbeat).toMatchObject({ id: "node-under-test", workers: 1, lastError: null });
  });

  it("applies a config change within a bounded wait, refuses an invalid one and keeps serving", async () => {
    const node = await start();
    const revision = await writeRevision(database.db, routeEverythingTo(originUrl));
    servedRevision = revision;
    await waitFor("route applied", async () => (await node.readyz()).body.revision === revision);
    const proxied = await fetch(`${node.dataUrl}/hello`);
    expect(proxied.status).toBe(200);
    expect(await proxied.text()).toBe("origin saw /hello");

    const invalid = await writeInvalidRevision(database.db);
    const readyz = await waitFor("refusal reported", async () => {
      const current = await node.readyz();
      return current.body.refused ? current : undefined;
    });
    expect(readyz.status).toBe(200);
    expect(readyz.body).toMatchObject({ revision, refused: { revision: invalid } });
    expect((await fetch(`${node.dataUrl}/still`)).status).toBe(200);
    await waitFor("refusal in the node's row", async () => {
      const [row] = await listNodes(database.db);
      return row?.lastError?.startsWith(`revision ${invalid} refused`);
    });

    const metrics = await (await fetch(`${node.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/^concierge_requests_total\{.*\} \d+$/m);
    expect(metrics).toContain(`concierge_config_revision{worker="1"} ${revision}`);
  });

  it("lets an in-flight request finish on SIGTERM, then exits 0", async () => {
    const node = await start();
    await waitFor("config loaded", async () => (await node.readyz()).status === 200);
    const slow = fetch(`${node.dataUrl}/slow`);
    await waitFor("request reached the origin", () => heldResponses.length === 1);

    node.process.kill("SIGTERM");
    await node.waitForLog("worker stopping", (line) => line.msg === "worker stopping");
    heldResponses.shift()?.();
    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("origin saw /slow");
    expect(await node.stop()).toBe(0);
  });

  it("serves the last-good config when the database is unreachable at start", async () => {
    const node = await start({ DATABASE_URL: "postgresql://postgres@127.0.0.1:1/unreachable" });
    const readyz = await node.readyz();
    expect(readyz.status).toBe(200);
    expect(readyz.body).toMatchObject({ ready: true, source: "last-good", database: "unreachable" });
    expect(readyz.body.revision).toBe(servedRevision);
    expect((await fetch(`${node.dataUrl}/from-disk`)).status).toBe(200);
  });

  it("restarts a killed worker", async () => {
    const node = await start({ PROXY_WORKERS: "2" });
    const workers = await waitFor("both workers listening", () => {
      const pids = new Set(node.logs.filter((line) => line.msg === "data listening").map((line) => line.pid));
      return pids.size === 2 ? [...pids] : undefined;
    });
    process.kill(workers[0]!, "SIGKILL");
    await node.waitForLog("restart", (line) => line.msg === "worker exited; restarting");
    await node.waitForLog(
      "a third worker listening",
      (line) => line.msg === "data listening" && !workers.includes(line.pid),
    );
    const readyz = await waitFor("node ready again", async () => {
      const current = await node.readyz();
      return current.status === 200 && (current.body.workers as unknown[]).length === 2 ? current : undefined;
    });
    expect(readyz.body.ready).toBe(true);
  });
});
