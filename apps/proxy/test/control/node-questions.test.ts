import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import type { ExplainAnswer, NodeReply, ProbeAnswer } from "@concierge/config/node-questions";
import { PoolInputSchema, type PoolInput } from "@concierge/config/pool";
import { RouteInputSchema, type RouteInput } from "@concierge/config/route";
import type { Db } from "@concierge/db/client";
import { createPoolRepository } from "@concierge/db/repositories/pools";
import { createRouteRepository } from "@concierge/db/repositories/routes";
import { Server, type Socket } from "socket.io";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "../../../../packages/db/test-support/fresh-database.ts";
import { deadUrl, startOrigin, type TestOrigin } from "../upstream/support/start-origin.ts";
import { writeRevision } from "./support/snapshots.ts";
import { buildProxyBundle, startNode, type RunningNode } from "./support/start-node.ts";
import { waitFor } from "./support/wait-for.ts";

const NODE_ID = "node-questions-test";
const ASK_TIMEOUT_MS = 10_000;

let database: TestDatabase;
let dataDir: string;
let cached: TestOrigin;
let first: TestOrigin;
let second: TestOrigin;
let dead: string;
let web: { http: HttpServer; io: Server; url: string };
let nodeSocket: Socket;
let node: RunningNode;
const ids: Record<string, { poolId: string; targetIds: string[] }> = {};

/** The web's side of the `/nodes` namespace, without the dashboard: the node's questions are asked here. */
async function startFakeWeb(): Promise<typeof web> {
  const http = createServer();
  const io = new Server(http);
  http.listen(0, "127.0.0.1");
  await once(http, "listening");
  return { http, io, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

async function addRoute(db: Db, name: string, pool: Omit<PoolInput, "name">, route: Omit<RouteInput, "name" | "poolId">) {
  await writeRevision(db, async (tx) => {
    const created = await createPoolRepository(tx).create(
      PoolInputSchema.parse({ healthCheck: { enabled: false }, ...pool, name }),
    );
    ids[name] = { poolId: created.id, targetIds: created.targets.map((target) => target.id) };
    await createRouteRepository(tx).create(RouteInputSchema.parse({ ...route, name, poolId: created.id }));
  });
}

function ask(question: unknown): Promise<NodeReply> {
  return nodeSocket.timeout(ASK_TIMEOUT_MS).emitWithAck("node:ask", question) as Promise<NodeReply>;
}

async function explain(url: string, method = "GET"): Promise<ExplainAnswer> {
  const reply = await ask({ kind: "explain", url, method });
  if (!reply.ok || reply.answer.kind !== "explain") throw new Error(`no explanation: ${JSON.stringify(reply)}`);
  return reply.answer;
}

beforeAll(async () => {
  const cacheable = (_req: unknown, res: ServerResponse) => {
    res.setHeader("cache-control", "max-age=60");
    res.end("cached body");
  };
  [, database, dataDir, cached, first, second, dead, web] = await Promise.all([
    buildProxyBundle(),
    createTestDatabase(),
    mkdtemp(path.join(tmpdir(), "concierge-node-questions-")),
    startOrigin(cacheable),
    startOrigin(),
    startOrigin(),
    deadUrl(),
    startFakeWeb(),
  ]);
  await addRoute(database.db, "shop", { targets: [{ url: cached.url }] }, {
    hosts: ["shop.test"],
    pathPrefix: "/shop",
    methods: ["GET"],
    cache: { enabled: true },
  });
  await addRoute(database.db, "turns", { algorithm: "round_robin", targets: [{ url: first.url }, { url: second.url }] }, {
    hosts: ["*.turns.test"],
    pathPrefix: "/",
  });
  await addRoute(
    database.db,
    "broken",
    {
      targets: [{ url: dead }],
      healthCheck: { enabled: true, path: "/", intervalMs: 100, timeoutMs: 200, unhealthyThreshold: 1 },
    },
    { hosts: ["broken.test"], pathPrefix: "/" },
  );

  const connected = new Promise<Socket>((resolve) => web.io.of("/nodes").on("connection", resolve));
  node = await startNode({
    DATABASE_URL: database.url,
    CONCIERGE_DATA_DIR: dataDir,
    CONCIERGE_WEB_URL: web.url,
    PROXY_NODE_TOKEN: "token-of-the-questions-test",
    PROXY_NODE_ID: NODE_ID,
    PROXY_WORKERS: "1",
  });
  nodeSocket = await connected;
  await waitFor("config served", async () => (await node.readyz()).body.ready === true, 20_000);
}, 90_000);

afterAll(async () => {
  await node?.stop();
  await web?.io.close();
  await Promise.all([cached?.kill(), first?.kill(), second?.kill()]);
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("explain, asked of a node over socket.io", () => {
  it("names the route, why it matched, the cache key and whether the object is stored", async () => {
    const before = await explain("http://shop.test/shop/item?b=2&a=1");
    expect(before).toMatchObject({
      nodeId: NODE_ID,
      worker: 1,
      request: { host: "shop.test", path: "/shop/item", query: "b=2&a=1" },
      route: { name: "shop", pathPrefix: "/shop", methods: ["GET", "HEAD"] },
      pool: { next: { url: cached.url }, targets: [{ url: cached.url, state: "up", eligible: true }] },
      cache: { enabled: true, key: "http://shop.test/shop/item?a=1&b=2", stored: null },
    });
    expect(before.reason).toContain('route "shop" serves it: host shop.test exactly, the longest fitting path prefix /shop');

    const response = await request(`${node.dataUrl}/shop/item?b=2&a=1`, { headers: { host: "shop.test" } });
    expect(await response.body.text()).toBe("cached body");
    const after = await explain("http://shop.test/shop/item?a=1&b=2");
    expect(after.cache?.stored).toMatchObject({ statusCode: 200, freshness: "fresh", lifetimeSeconds: 60 });
  });

  it("says which part of the request no route takes: host, path or method", async () => {
    const host = await explain("http://elsewhere.test/shop");
    expect(host.route).toBeNull();
    expect(host.reason).toBe("no route serves the host elsewhere.test: the proxy answers 404");

    const path = await explain("http://shop.test/basket");
    expect(path.reason).toBe(
      "routes serve the host shop.test, but none under the path /basket (their prefixes: /shop): the proxy answers 404",
    );

    const method = await explain("http://shop.test/shop/item", "DELETE");
    expect(method.reason).toBe(
      'routes serve shop.test/shop/item, but none takes the method DELETE ("shop" takes GET, HEAD): the proxy answers 404',
    );
  });

  it("names the target the balancer picks next without taking its turn", async () => {
    const once = await explain("http://a.turns.test/page");
    expect(once.reason).toContain("by the pattern *.turns.test");
    const again = await explain("http://a.turns.test/page");
    expect(again.pool?.next).toEqual(once.pool?.next);

    const chosen = once.pool?.next?.url === first.url ? first : second;
    const before = chosen.received.length;
    const response = await request(`${node.dataUrl}/page`, { headers: { host: "a.turns.test" } });
    await response.body.dump();
    expect(response.statusCode).toBe(200);
    expect(chosen.received.length).toBe(before + 1);
    const next = await explain("http://a.turns.test/page");
    expect(next.pool?.next?.url).not.toBe(chosen.url);
  });

  it("shows a target that fails its health checks as down, with no target to pick", async () => {
    const answer = await waitFor("the dead target marked down", async () => {
      const current = await explain("http://broken.test/");
      return current.pool?.targets[0]?.state === "down" ? current : undefined;
    });
    expect(answer.pool).toMatchObject({ next: null, nextReason: "no target is eligible: the proxy answers 503" });
  });
});

describe("probe, asked of a node over socket.io", () => {
  it("probes URLs and pool targets from the node: a live one answers, a dead one does not", async () => {
    const reply = await ask({
      kind: "probe",
      urls: [first.url, dead],
      targets: [{ poolId: ids.shop?.poolId, targetId: ids.shop?.targetIds[0] }],
    });
    expect(reply.ok).toBe(true);
    const { results } = (reply as { answer: ProbeAnswer }).answer;
    expect(results).toHaveLength(3);
    expect(results[0]).toMatchObject({ url: first.url, answered: true, status: 200, error: null });
    expect(results[1]).toMatchObject({ url: dead, answered: false, status: null, error: "ECONNREFUSED" });
    expect(results[2]).toMatchObject({ url: cached.url, poolId: ids.shop?.poolId, answered: true, status: 200 });
  });

  it("refuses questions it cannot trust, saying what is wrong", async () => {
    const scheme = await ask({ kind: "explain", url: "ftp://shop.test/", method: "GET" });
    expect(scheme).toEqual({ ok: false, error: "the node refused the question: url: only http and https URLs" });
    const long = await ask({ kind: "probe", urls: [`http://shop.test/${"a".repeat(2_100)}`] });
    expect(long).toEqual({
      ok: false,
      error: "the node refused the question: urls[0]: a URL must not exceed 2048 characters",
    });
    const method = await ask({ kind: "explain", url: "http://shop.test/", method: "TRACE" });
    expect(method.ok).toBe(false);
  });
});
