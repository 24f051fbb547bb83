import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { STARTING_REASON, toReadiness } from "../../src/admin/node-readiness.ts";
import { buildProxyBundle, startNode, type RunningNode } from "./support/start-node.ts";
import { waitFor } from "./support/wait-for.ts";

/** How long the silent database holds a connection before dropping it. */
const HOLD_MS = 1_500;

/** Accepts connections, answers nothing and drops them after a while: a database slow to fail, not one that refuses. */
async function startSilentServer(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
    setTimeout(() => socket.destroy(), HOLD_MS).unref();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("toReadiness before a worker's first report", () => {
  it("says starting, not that the database is unreachable", () => {
    expect(toReadiness("n1", new Map([[1, null]]))).toMatchObject({
      ready: false,
      database: "starting",
      reason: STARTING_REASON,
      workers: [{ worker: 1, revision: null, source: null }],
    });
  });

  it("stays starting while one worker of several has not reported", () => {
    const serving = { revision: 3, source: "database", database: "connected", refused: null } as const;
    expect(toReadiness("n1", new Map([[1, serving], [2, null]]))).toMatchObject({
      ready: false,
      database: "connected",
      reason: STARTING_REASON,
    });
  });
});

describe("/readyz of a starting node", () => {
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  let dataDir: string;
  let node: RunningNode | undefined;

  beforeAll(async () => {
    [, silent, dataDir] = await Promise.all([
      buildProxyBundle(),
      startSilentServer(),
      mkdtemp(path.join(tmpdir(), "concierge-starting-")),
    ]);
  }, 60_000);

  afterAll(async () => {
    await node?.stop();
    for (const socket of silent?.sockets ?? []) socket.destroy();
    silent?.server.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("answers 503 starting until the first config load attempt finished, then says why it is not ready", async () => {
    const adminPort = await freePort();
    const starting = startNode({
      DATABASE_URL: `postgresql://concierge@127.0.0.1:${silent.port}/concierge`,
      CONCIERGE_DATA_DIR: dataDir,
      PROXY_ADMIN_PORT: String(adminPort),
      PROXY_WORKERS: "1",
    });
    const readyz = async () => {
      const response = await fetch(`http://127.0.0.1:${adminPort}/readyz`).catch(() => undefined);
      return response && { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    const early = await waitFor("the admin port answering", readyz, 10_000);
    expect(early).toEqual({
      status: 503,
      body: expect.objectContaining({ ready: false, database: "starting", reason: STARTING_REASON }),
    });

    node = await starting;
    const settled = await waitFor("the first load attempt reported", async () => {
      const current = await readyz();
      return current?.body.reason !== STARTING_REASON ? current : undefined;
    });
    expect(settled).toEqual({
      status: 503,
      body: expect.objectContaining({
        ready: false,
        database: "unreachable",
        reason: "the database is unreachable and no last-good config file exists",
      }),
    });
  }, 40_000);
});
