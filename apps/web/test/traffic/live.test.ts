import type {
  DashboardClientEvents,
  DashboardServerEvents,
  LiveOverview,
  LiveTick,
} from "@concierge/config/realtime";
import { hashPassword } from "@concierge/db/password";
import { createUserRepository } from "@concierge/db/repositories/users";
import { hashToken } from "@concierge/db/token-hash";
import { pino } from "pino";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createTestDatabase,
  type TestDatabase,
} from "../../../../packages/db/test-support/fresh-database.ts";
import { createIntervalReader } from "../../../proxy/src/metrics/interval-reader.ts";
import {
  startLivePublisher,
  toMetricsDelta,
  type LivePublisher,
} from "../../../proxy/src/metrics/live-publisher.ts";
import { createMetricsRegistry } from "../../../proxy/src/metrics/registry.ts";
import { ensureBuild, startWeb, type RunningWeb } from "../support/start-web.ts";

const PUBLIC_URL = "http://dashboard.test";
const VIEWER = { email: "viewer@example.test", password: "live test password" };
const NODE_TOKEN = "node-token-for-the-live-test-0123456789";
const DEADLINE_MS = 10_000;

let database: TestDatabase;
let web: RunningWeb;
let cookie: string;
const sockets: Array<{ close(): void }> = [];

beforeAll(async () => {
  database = await createTestDatabase();
  await createUserRepository(database.db).create({
    email: VIEWER.email,
    role: "viewer",
    passwordHash: await hashPassword(VIEWER.password),
  });
  await database.db.nodeToken.create({ data: { name: "live", tokenHash: hashToken(NODE_TOKEN) } });
  await ensureBuild();
  web = await startWeb({ DATABASE_URL: database.url, CONCIERGE_PUBLIC_URL: PUBLIC_URL });
  const response = await fetch(`${web.baseUrl}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: PUBLIC_URL },
    body: JSON.stringify(VIEWER),
  });
  expect(response.status).toBe(201);
  cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}, 240_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await web?.stop();
  await database?.drop();
});

async function openDashboard(): Promise<Socket<DashboardServerEvents, DashboardClientEvents>> {
  const socket: Socket<DashboardServerEvents, DashboardClientEvents> = connect(
    `${web.baseUrl}/dashboard`,
    {
      transports: ["websocket"],
      extraHeaders: { cookie, origin: PUBLIC_URL },
      reconnection: false,
    },
  );
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

/** Resolves with the first tick that satisfies `predicate`, or fails after the deadline. */
function nextTick(
  socket: Socket<DashboardServerEvents, DashboardClientEvents>,
  predicate: (tick: LiveTick) => boolean,
): Promise<LiveTick> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no matching live:tick in time")), DEADLINE_MS);
    const onTick = (tick: LiveTick) => {
      if (!predicate(tick)) return;
      clearTimeout(timer);
      socket.off("live:tick", onTick);
      resolve(tick);
    };
    socket.on("live:tick", onTick);
  });
}

function waitConnected(publisher: LivePublisher): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (publisher.connected) return resolve();
      if (Date.now() > deadline) return reject(new Error("the node did not connect"));
      setTimeout(check, 25);
    };
    check();
  });
}

describe("live traffic over socket.io", () => {
  it("sums a node's delta into live:tick for the node's room and for all nodes, and seeds the overview", async () => {
    const dashboard = await openDashboard();
    for (const nodeId of ["all", "node-live"]) {
      await new Promise<void>((resolve) => dashboard.emit("live:subscribe", { nodeId }, resolve));
    }

    const registry = createMetricsRegistry({ targetStates: () => [] });
    const series = registry.routeSeries("route-1", "pool-1", ["target-1"]);
    const reader = createIntervalReader({
      registry,
      targetStates: () => [],
      config: { current: () => undefined },
    });
    for (let request = 0; request < 37; request++) {
      registry.record(series, {
        targetId: "target-1",
        status: request < 3 ? 503 : 200,
        cacheOutcome: request < 10 ? "hit" : "miss",
        durationMs: 2,
        upstreamMs: 1,
        bytesOut: 100,
      });
    }
    registry.connectionOpened();

    const publisher = startLivePublisher({
      webUrl: web.baseUrl,
      token: NODE_TOKEN,
      nodeId: "node-live",
      log: pino({ level: "silent" }),
    });
    sockets.push(publisher);
    await waitConnected(publisher);

    const nodeTick = nextTick(
      dashboard,
      (tick) => tick.nodeId === "node-live" && tick.totals.requests > 0,
    );
    const allTick = nextTick(
      dashboard,
      (tick) => tick.nodeId === "all" && tick.totals.requests > 0,
    );
    publisher.publish(toMetricsDelta(reader.take(), { intervalMs: 1_000, workers: 1 }));

    for (const tick of [await nodeTick, await allTick]) {
      expect(tick.totals).toMatchObject({
        requests: 37,
        errors: 3,
        cacheHits: 10,
        cacheMisses: 27,
        bytesOut: 3_700,
        clientConnections: 1,
      });
      expect(tick.totals.status["5xx"]).toBe(3);
      expect(tick.totals.errorCauses).toEqual({ origin_5xx: 3 });
      expect(tick.totals.latency.p50Ms).toBeGreaterThan(1);
      expect(tick.totals.latency.p50Ms).toBeLessThanOrEqual(2);
      expect(tick.routes).toMatchObject([{ routeId: "route-1", requests: 37 }]);
      expect(tick.pools).toMatchObject([{ poolId: "pool-1", requests: 37 }]);
      expect(tick.nodes).toEqual([{ nodeId: "node-live", workers: 1, revision: null }]);
    }

    const overview = await fetch(`${web.baseUrl}/api/v1/live/overview?node=all`, {
      headers: { cookie },
    });
    expect(overview.status).toBe(200);
    const seeded = (await overview.json()) as LiveOverview;
    expect(seeded.nodeId).toBe("all");
    expect(seeded.ticks.reduce((sum, tick) => sum + tick.totals.requests, 0)).toBe(37);

    const anonymous = await fetch(`${web.baseUrl}/api/v1/live/overview?node=all`);
    expect(anonymous.status).toBe(401);
  });

  it("reconnects a node after a web restart and resumes its live ticks, dropping deltas meanwhile", async () => {
    const registry = createMetricsRegistry({ targetStates: () => [] });
    const series = registry.routeSeries("route-2", "pool-2", []);
    const reader = createIntervalReader({
      registry,
      targetStates: () => [],
      config: { current: () => undefined },
    });
    const publisher = startLivePublisher({
      webUrl: web.baseUrl,
      token: NODE_TOKEN,
      nodeId: "node-restart",
      log: pino({ level: "silent" }),
    });
    sockets.push(publisher);
    await waitConnected(publisher);

    const port = web.port;
    expect(await web.stop()).toBe(0);
    const record = (count: number) => {
      for (let request = 0; request < count; request++) {
        registry.record(series, {
          targetId: "",
          status: 200,
          cacheOutcome: "none",
          durationMs: 1,
          upstreamMs: 0,
          bytesOut: 1,
        });
      }
      publisher.publish(toMetricsDelta(reader.take(), { intervalMs: 1_000, workers: 1 }));
    };
    // Sent while the web is away: dropped, never queued for later.
    record(5);
    expect(publisher.connected).toBe(false);

    web = await startWeb({
      DATABASE_URL: database.url,
      CONCIERGE_PUBLIC_URL: PUBLIC_URL,
      PORT: String(port),
    });
    await waitConnected(publisher);
    const dashboard = await openDashboard();
    await new Promise<void>((resolve) =>
      dashboard.emit("live:subscribe", { nodeId: "node-restart" }, resolve),
    );
    const tick = nextTick(dashboard, (candidate) => candidate.nodeId === "node-restart");
    record(4);
    expect((await tick).totals.requests).toBe(4);
  }, 60_000);

  it("refuses a node without a valid token", async () => {
    const socket = connect(`${web.baseUrl}/nodes`, {
      transports: ["websocket"],
      auth: { token: "not-a-token", nodeId: "intruder" },
      reconnection: false,
    });
    sockets.push(socket);
    const outcome = await new Promise<string>((resolve) => {
      socket.once("connect", () => resolve("connected"));
      socket.once("connect_error", (error) => resolve(error.message));
    });
    expect(outcome).toBe("unauthorized");
  });
});
