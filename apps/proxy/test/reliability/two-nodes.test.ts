import { mkdtemp, rm } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";

import { PURGE_CHANNEL } from "@concierge/config/purge";
import { listNodes } from "@concierge/db/repositories/nodes";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createTestDatabase,
  type TestDatabase,
} from "../../../../packages/db/test-support/fresh-database.ts";
import { buildProxyBundle, startNode, type RunningNode } from "../control/support/start-node.ts";
import { waitFor } from "../control/support/wait-for.ts";
import { startOrigin, type TestOrigin } from "../upstream/support/start-origin.ts";
import { addRoutes } from "./support/config.ts";

const NODE_IDS = ["node-east", "node-west"] as const;
const HOST = "shop.example";

/** A cacheable answer with the origin's name, so each node's cache has something to keep. */
const cacheable = (body: string) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { "cache-control": "public, max-age=600", "content-type": "text/plain" });
  res.end(body);
};

let database: TestDatabase;
let dataDirs: string[] = [];
let shop: TestOrigin;
let blog: TestOrigin;
let nodes: RunningNode[] = [];

beforeAll(async () => {
  [database, shop, blog] = await Promise.all([
    createTestDatabase(),
    startOrigin(cacheable("shop")),
    startOrigin(cacheable("blog")),
    buildProxyBundle(),
  ]);
  dataDirs = await Promise.all(NODE_IDS.map((id) => mkdtemp(path.join(tmpdir(), `concierge-${id}-`))));
}, 120_000);

afterAll(async () => {
  await Promise.all(nodes.map((node) => node.stop()));
  await Promise.all([shop?.kill(), blog?.kill()]);
  await database?.drop();
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function get(node: RunningNode, pathname: string): Promise<{ body: string; cacheStatus: string }> {
  // undici's request, not fetch: fetch does not let a caller choose the Host header.
  const response = await request(`${node.dataUrl}${pathname}`, { headers: { host: HOST } });
  const cacheStatus = response.headers["cache-status"];
  return { body: await response.body.text(), cacheStatus: typeof cacheStatus === "string" ? cacheStatus : "" };
}

const servesRevision = (revision: number) => async () => {
  const answers = await Promise.all(nodes.map((node) => node.readyz()));
  return answers.every((answer) => answer.status === 200 && answer.body.revision === revision);
};

const storedRequests = async (nodeId: string) => {
  const rows = await database.db.trafficRollup.findMany({ where: { nodeId } });
  return rows.reduce((sum, row) => sum + Number(row.requests), 0);
};

describe("two proxy nodes on one database", () => {
  it("follow the same config and purges, keep their own caches, and count their own traffic", async () => {
    const first = await addRoutes(database.db, [
      { pathPrefix: "/", pool: { targets: [{ url: shop.url }] }, route: { cache: { enabled: true } } },
    ]);
    nodes = await Promise.all(
      NODE_IDS.map((id, index) =>
        startNode({
          DATABASE_URL: database.url,
          CONCIERGE_DATA_DIR: dataDirs[index] ?? "",
          PROXY_NODE_ID: id,
          PROXY_ROLLUP_INTERVAL_MS: "1000",
        }),
      ),
    );
    await waitFor("both nodes to serve the first revision", servesRevision(first), 20_000);

    // Each node has its own cache: one origin fetch per node, then hits.
    for (const node of nodes) {
      expect(await get(node, "/cart")).toMatchObject({ body: "shop", cacheStatus: expect.stringContaining("miss") });
      expect(await get(node, "/cart")).toMatchObject({ body: "shop", cacheStatus: expect.stringContaining("hit") });
    }
    expect(shop.received).toHaveLength(2);

    const second = await addRoutes(database.db, [
      { pathPrefix: "/blog", pool: { targets: [{ url: blog.url }] }, route: { cache: { enabled: true } } },
    ]);
    await waitFor("both nodes to serve the second revision", servesRevision(second), 10_000);
    for (const node of nodes) expect((await get(node, "/blog/post")).body).toBe("blog");

    await database.db.$executeRaw`SELECT pg_notify(${PURGE_CHANNEL}, ${JSON.stringify({ prefix: `http://${HOST}/cart` })})`;
    await waitFor(
      "both nodes to log the purge",
      () => nodes.every((node) => node.logs.some((line) => line.msg === "cache purged")),
      10_000,
    );
    for (const node of nodes) expect((await get(node, "/cart")).cacheStatus).toContain("miss");
    expect(shop.received).toHaveLength(4);

    const heard = await waitFor(
      "both heartbeats to report the second revision",
      async () => {
        const rows = (await listNodes(database.db)).filter((row) => NODE_IDS.some((id) => id === row.id));
        return rows.length === 2 && rows.every((row) => row.revisionApplied === second) ? rows : undefined;
      },
      15_000,
    );
    expect(heard.map((row) => row.id).sort()).toEqual([...NODE_IDS].sort());

    // A stopped node writes its open bucket; every request it served is stored once, under its own id.
    const perNode = 4;
    for (const node of nodes) expect(await node.stop()).toBe(0);
    nodes = [];
    for (const id of NODE_IDS) expect(await storedRequests(id)).toBe(perNode);
  }, 120_000);
});
