import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createConnection, createServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as holdFor } from "node:timers/promises";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createDb, type Db } from "@concierge/db/client";
import { openDatabase, type OpenDatabase } from "@concierge/db/connection";

import { buildProxyBundle, startNode, type RunningNode } from "../control/support/start-node.ts";
import { waitFor } from "../control/support/wait-for.ts";
import { startOrigin, type TestOrigin } from "../upstream/support/start-origin.ts";
import { addRoutes } from "./support/config.ts";
import { startLoad } from "./support/load.ts";

/**
 * How long the database stays down while the load runs. Operations would hold it for a minute or
 * more; the proxy's behaviour is the same after its first failed poll, so a shorter outage keeps
 * the suite fast.
 */
const OUTAGE_MS = 10_000;
const LOAD_CONCURRENCY = 4;
/** About 400 requests/s at most: steady traffic for the whole outage without starving the node of CPU. */
const LOAD_PAUSE_MS = 10;

let pgDir: string;
let dataDir: string;
let database: OpenDatabase;
let origin: TestOrigin;
let node: RunningNode;
let relay: DatabaseRelay;
const clients: Db[] = [];

interface DatabaseRelay {
  /** The database's URL through the relay: the one the proxy is given. */
  url: string;
  /** Drops new connections at once, as a stopped server does; open ones last until the server ends them. */
  refuse(): void;
  /** Sends new connections to the server at `databaseUrl`. */
  forwardTo(databaseUrl: string): void;
  close(): Promise<void>;
}

/**
 * The proxy reaches the database through this relay, on a port of the relay's own, so the
 * restarted server may come back on any port: another embedded PostgreSQL on this machine may
 * take the stopped server's port before the restart binds it again.
 */
async function startRelay(databaseUrl: string): Promise<DatabaseRelay> {
  let target: URL | undefined = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    track(client);
    if (!target) return void client.destroy();
    const upstream = createConnection(Number(target.port), target.hostname);
    track(upstream);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = new URL(databaseUrl);
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.href,
    refuse() {
      target = undefined;
    },
    forwardTo(next) {
      target = new URL(next);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function connect(url: string): Db {
  const db = createDb({ url, maxConnections: 1 });
  clients.push(db);
  return db;
}

beforeAll(async () => {
  [pgDir, dataDir] = await Promise.all([
    mkdtemp(path.join(tmpdir(), "concierge-outage-pg-")),
    mkdtemp(path.join(tmpdir(), "concierge-outage-node-")),
    buildProxyBundle(),
  ]);
  // Our own server: stopping it must not touch the one the other test files share.
  [database, origin] = await Promise.all([openDatabase({ dataDir: pgDir }), startOrigin()]);
}, 60_000);

afterAll(async () => {
  await node?.stop();
  await Promise.all(clients.map((db) => db.$disconnect()));
  await relay?.close();
  await database?.stop();
  await origin?.kill();
  await Promise.all([pgDir, dataDir].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("PostgreSQL outage under load", () => {
  it("keeps serving the current config while the database is down and follows changes once it is back", async () => {
    const first = await addRoutes(connect(database.url), [{ pathPrefix: "/", pool: { targets: [{ url: origin.url }] } }]);
    relay = await startRelay(database.url);
    node = await startNode({ DATABASE_URL: relay.url, CONCIERGE_DATA_DIR: dataDir, PROXY_SHUTDOWN_GRACE_MS: "2000" });
    await waitFor("first revision served", async () => (await node.readyz()).body.revision === first);

    const load = startLoad({
      baseUrl: node.dataUrl,
      concurrency: LOAD_CONCURRENCY,
      maxRequests: 50_000,
      pauseMs: LOAD_PAUSE_MS,
      path: (index) => `/item/${index}`,
    });
    await waitFor("load running", () => load.outcomes.length >= 100);

    relay.refuse();
    await database.stop();
    const stoppedAt = Date.now();
    const completedAtStop = load.outcomes.length;
    const duringOutage = await waitFor("outage noticed", async () => {
      const readyz = await node.readyz();
      return readyz.body.database === "unreachable" ? readyz : undefined;
    }, 15_000);
    expect(duringOutage.status).toBe(200);
    expect(duringOutage.body).toMatchObject({ ready: true, revision: first });

    await holdFor(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
    const servedDuringOutage = load.outcomes.length - completedAtStop;
    const endOfOutage = await node.readyz();
    expect(endOfOutage.status).toBe(200);
    expect(endOfOutage.body).toMatchObject({ ready: true, revision: first, database: "unreachable" });

    database = await openDatabase({ dataDir: pgDir });
    relay.forwardTo(database.url);
    await waitFor("database reachable again", async () => (await node.readyz()).body.database === "connected", 20_000);

    const second = await addRoutes(connect(database.url), [
      { pathPrefix: "/after-outage", pool: { targets: [{ url: origin.url }] } },
    ]);
    await waitFor("change made after the outage applied", async () => (await node.readyz()).body.revision === second, 20_000);
    await load.stop();

    expect(load.failures()).toEqual([]);
    expect(servedDuringOutage).toBeGreaterThan(100);
    expect((await fetch(`${node.dataUrl}/after-outage/x`)).status).toBe(200);
    expect(node.logs.filter((line) => line.msg === "worker exited; restarting")).toEqual([]);
  }, 90_000);
});
