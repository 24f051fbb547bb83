import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";

import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PURGE_CHANNEL } from "@concierge/config/purge";
import type { Listener } from "@concierge/db/notify";
import { applyConfigChange, readConfigSnapshot } from "@concierge/db/config-change";

import { createTestDatabase } from "../../../../packages/db/test-support/fresh-database.ts";
import type { TestDatabase } from "../../../../packages/db/test-support/fresh-database.ts";
import { startPurgeListener } from "../../src/config/watch-purges.ts";
import { createLogger } from "../../src/logger.ts";
import { createProxyRuntime, startDataListener } from "../../src/runtime.ts";
import type { ProxyRuntime } from "../../src/runtime.ts";
import { waitFor } from "../control/support/wait-for.ts";

interface LogLine {
  msg: string;
  [field: string]: unknown;
}

const logs: LogLine[] = [];
const log = createLogger({
  level: "info",
  nodeId: "purge-test",
  worker: 1,
  destination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
});

let database: TestDatabase;
let origin: Server;
let originRequests = 0;
let runtime: ProxyRuntime;
let listener: Awaited<ReturnType<typeof startDataListener>>;
let purges: Listener;

beforeAll(async () => {
  database = await createTestDatabase();
  origin = createServer((_req, res) => {
    originRequests++;
    res.writeHead(200, { "cache-control": "max-age=600", "surrogate-key": "catalogue" });
    res.end(`answer ${originRequests}`);
  });
  origin.listen(0, "127.0.0.1");
  await once(origin, "listening");
  const originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;

  const { revision } = await applyConfigChange(
    database.db,
    { actorId: null, action: "test.setup", entityType: "test" },
    async (tx) => {
      const pool = await tx.pool.create({
        data: {
          name: "origin",
          hashKey: { source: "client_ip" },
          stickyCookie: { name: "concierge_sticky", ttlSeconds: 0 },
          healthCheck: {
            enabled: false,
            path: "/",
            intervalMs: 5000,
            timeoutMs: 2000,
            healthyThreshold: 2,
            unhealthyThreshold: 3,
          },
          passiveEjection: { consecutiveFailures: 5, baseEjectionMs: 10000, maxEjectionMs: 300000 },
          retry: { attempts: 0, budgetPercent: 20 },
          timeouts: { connectMs: 5000, firstByteMs: 60000, idleMs: 60000 },
          targets: { create: [{ url: originUrl }] },
        },
        select: { id: true },
      });
      await tx.route.create({
        data: {
          name: "shop",
          hosts: ["shop.example"],
          pathPrefix: "/",
          poolId: pool.id,
          requestHeaders: { set: {}, remove: [] },
          responseHeaders: { set: {}, remove: [] },
          cacheRule: {
            create: {
              enabled: true,
              keyQuery: "all",
              keyHeaders: [],
              keyCookies: [],
              bypassCookies: [],
            },
          },
        },
      });
    },
  );

  runtime = createProxyRuntime({
    log,
    pseudonym: "concierge-purge-test",
    cacheMaxBytes: 1_000_000,
    trustedProxies: [],
  });
  runtime.apply(await readConfigSnapshot(database.db), revision);
  listener = await startDataListener({ port: 0, host: "127.0.0.1", runtime, log });
  purges = await startPurgeListener({ databaseUrl: database.url, cache: runtime.cache, log });
});
afterAll(async () => {
  await purges?.close();
  await listener?.drain(1_000);
  await runtime?.close();
  origin?.closeAllConnections();
  origin?.close();
  await database?.drop();
});

async function get(path: string): Promise<{ body: string; cacheStatus: string | null }> {
  // fetch() would not send our Host; the route is chosen by it.
  const res = await request(`http://127.0.0.1:${listener.port}${path}`, {
    headers: { host: "shop.example" },
  });
  const cacheStatus = res.headers["cache-status"];
  return {
    body: await res.body.text(),
    cacheStatus: typeof cacheStatus === "string" ? cacheStatus : null,
  };
}

async function notifyPurge(payload: string): Promise<void> {
  await database.db.$executeRaw`SELECT pg_notify(${PURGE_CHANNEL}, ${payload})`;
}

const purgedLines = () => logs.filter((line) => line.msg === "cache purged");

describe("purge listener", () => {
  it("drops the object a purge names, so the next request goes to the origin", async () => {
    const first = await get("/item");
    const second = await get("/item");
    expect(second.body).toBe(first.body);
    expect(second.cacheStatus).toMatch(/^concierge; hit/);

    await notifyPurge(JSON.stringify({ url: "http://shop.example/item" }));
    const line = await waitFor("purge logged", () => purgedLines()[0]);
    expect(line).toMatchObject({ purged: 1, selector: { url: "http://shop.example/item" } });

    const after = await get("/item");
    expect(after.cacheStatus).toMatch(/^concierge; fwd=uri-miss/);
    expect(after.body).not.toBe(first.body);
  });

  it("ignores a payload that is not a selector and still follows the next purge", async () => {
    await get("/tagged");
    expect((await get("/tagged")).cacheStatus).toMatch(/^concierge; hit/);
    const purgesBefore = purgedLines().length;

    await notifyPurge("not json");
    await notifyPurge(JSON.stringify({ url: "relative/path" }));
    await notifyPurge(JSON.stringify({ tag: "catalogue" }));
    const line = await waitFor("tag purge logged", () => purgedLines()[purgesBefore]);
    expect(line).toMatchObject({ selector: { tag: "catalogue" } });
    expect(line.purged).toBeGreaterThanOrEqual(1);

    const ignored = logs.filter((entry) => entry.msg === "purge ignored: not a purge selector");
    expect(ignored.map((entry) => entry.payload)).toEqual([
      "not json",
      JSON.stringify({ url: "relative/path" }),
    ]);
    expect((await get("/tagged")).cacheStatus).toMatch(/^concierge; fwd=uri-miss/);
  });
});
