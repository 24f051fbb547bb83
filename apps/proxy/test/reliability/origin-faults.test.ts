import { mkdtemp, rm } from "node:fs/promises";
import { get } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "../../../../packages/db/test-support/fresh-database.ts";
import { buildProxyBundle, startNode, type RunningNode } from "../control/support/start-node.ts";
import { waitFor } from "../control/support/wait-for.ts";
import { startOrigin, type TestOrigin } from "../upstream/support/start-origin.ts";
import { addRoutes } from "./support/config.ts";
import {
  CUT_DECLARED_BYTES,
  startCuttingOrigin,
  startGarbageOrigin,
  startHangingOrigin,
  startOriginProcess,
  type FaultOrigin,
  type OriginProcess,
} from "./support/fault-origins.ts";
import { startLoad } from "./support/load.ts";

const FIRST_BYTE_MS = 500;
const LOAD_CONCURRENCY = 8;
/** Requests that must complete after the kill: several full round-robin cycles per worker. */
const REQUESTS_AFTER_KILL = 600;
/** About 1,600 requests/s at most: steady load, with CPU left for the proxy on two cores. */
const LOAD_PAUSE_MS = 5;

let database: TestDatabase;
let dataDir: string;
let node: RunningNode;
let steady: OriginProcess[];
let healthy: TestOrigin;
let hanging: FaultOrigin;
let garbage: FaultOrigin;
let cutting: FaultOrigin;

beforeAll(async () => {
  const [, testDatabase, directory, origins, healthyOrigin, hangingOrigin, garbageOrigin, cuttingOrigin] =
    await Promise.all([
      buildProxyBundle(),
      createTestDatabase(),
      mkdtemp(path.join(tmpdir(), "concierge-faults-")),
      Promise.all(["a", "b", "c"].map((name) => startOriginProcess(name))),
      startOrigin((_req, res) => {
        res.setHeader("x-origin", "healthy");
        res.end("ok");
      }),
      startHangingOrigin(),
      startGarbageOrigin(),
      startCuttingOrigin(),
    ]);
  [database, dataDir, steady, healthy] = [testDatabase, directory, origins, healthyOrigin];
  [hanging, garbage, cutting] = [hangingOrigin, garbageOrigin, cuttingOrigin];

  const revision = await addRoutes(database.db, [
    { pathPrefix: "/steady", pool: { algorithm: "round_robin", targets: steady.map(({ url }) => ({ url })) } },
    {
      pathPrefix: "/hang",
      pool: {
        algorithm: "round_robin",
        targets: [{ url: hanging.url }, { url: healthy.url }],
        timeouts: { firstByteMs: FIRST_BYTE_MS },
        passiveEjection: { consecutiveFailures: 1, baseEjectionMs: 60_000 },
      },
    },
    { pathPrefix: "/garbage", pool: { targets: [{ url: garbage.url }] } },
    { pathPrefix: "/cut", pool: { targets: [{ url: cutting.url }] } },
    { pathPrefix: "/ok", pool: { targets: [{ url: healthy.url }] } },
  ]);
  node = await startNode({ DATABASE_URL: database.url, CONCIERGE_DATA_DIR: dataDir, PROXY_SHUTDOWN_GRACE_MS: "2000" });
  await waitFor("config applied", async () => (await node.readyz()).body.revision === revision);
}, 60_000);

afterAll(async () => {
  await node?.stop();
  await Promise.all([...(steady ?? []).map((origin) => origin.kill()), healthy?.kill(), hanging?.close(), garbage?.close(), cutting?.close()]);
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Fails when the node process (or one of its workers) went down during the test. */
function expectNodeUp(): void {
  expect(node.process.exitCode).toBeNull();
  expect(node.logs.filter((line) => line.msg === "worker exited; restarting")).toEqual([]);
}

async function timedGet(path: string): Promise<{ status: number; servedBy: string | null; ms: number }> {
  const startedAt = performance.now();
  const response = await fetch(`${node.dataUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
  await response.arrayBuffer();
  return { status: response.status, servedBy: response.headers.get("x-origin"), ms: performance.now() - startedAt };
}

describe("origin faults through the proxy process", () => {
  it("loses no client request when one of three origins is killed under load", async () => {
    const load = startLoad({
      baseUrl: node.dataUrl,
      concurrency: LOAD_CONCURRENCY,
      maxRequests: 20_000,
      pauseMs: LOAD_PAUSE_MS,
      path: (index) => `/steady/${index}`,
    });
    await waitFor("warm connections to every origin", () => {
      const servedBy = new Set(load.outcomes.map((outcome) => outcome.servedBy));
      return load.outcomes.length >= 300 && servedBy.size === 3;
    }, 15_000);

    const [victim] = steady;
    await victim!.kill();
    const completedAtKill = load.outcomes.length;
    await waitFor("requests after the kill", () => load.outcomes.length >= completedAtKill + REQUESTS_AFTER_KILL, 30_000);
    const outcomes = await load.stop();

    // The proxy's own account of any failure (error code and cause) makes a regression readable.
    const proxyErrors = node.logs
      .filter((line) => line.msg === "request" && Number(line.status) >= 500)
      .map(({ status, attempts, err }) => ({ status, attempts, err }));
    expect({ failures: load.failures(), proxyErrors }).toEqual({ failures: [], proxyErrors: [] });
    const afterKill = outcomes.slice(completedAtKill + LOAD_CONCURRENCY);
    expect(afterKill.length).toBeGreaterThan(REQUESTS_AFTER_KILL - 2 * LOAD_CONCURRENCY);
    expect(new Set(afterKill.map((outcome) => outcome.servedBy))).toEqual(new Set(["b", "c"]));
    expectNodeUp();
  }, 60_000);

  it("answers 504 for a hanging origin within firstByteMs, then ejects it and serves without waiting", async () => {
    let timedOut: Awaited<ReturnType<typeof timedGet>> | undefined;
    // Round robin alternates between the two targets: the hanging one comes within two requests.
    for (let attempt = 0; attempt < 2 && !timedOut; attempt++) {
      const answer = await timedGet("/hang/first");
      if (answer.status !== 200) timedOut = answer;
    }
    expect(timedOut?.status).toBe(504);
    expect(timedOut!.ms).toBeGreaterThanOrEqual(FIRST_BYTE_MS - 10);
    expect(timedOut!.ms).toBeLessThan(FIRST_BYTE_MS + 1_000);
    const acceptedBefore = hanging.accepted();

    const after = [];
    for (let index = 0; index < 20; index++) after.push(await timedGet(`/hang/${index}`));
    expect(after.map(({ status, servedBy }) => `${status} ${servedBy}`)).toEqual(Array(20).fill("200 healthy"));
    expect(Math.max(...after.map(({ ms }) => ms))).toBeLessThan(FIRST_BYTE_MS / 2);
    expect(hanging.accepted()).toBe(acceptedBefore);
    expectNodeUp();
  });

  it("answers 502 for an origin that speaks something other than HTTP and keeps serving", async () => {
    const answer = await timedGet("/garbage");
    expect(answer.status).toBe(502);
    expect(garbage.accepted()).toBeGreaterThanOrEqual(1);
    expect((await timedGet("/ok")).status).toBe(200);
    expect((await fetch(`${node.adminUrl}/healthz`)).status).toBe(200);
    expectNodeUp();
  });

  it("cuts the client response when the origin drops mid-body, without hanging or crashing", async () => {
    const cut = await new Promise<{ status: number; received: number; ended: "cut" | "complete" }>((resolve, reject) => {
      const req = get(`${node.dataUrl}/cut`, (res) => {
        let received = 0;
        res.on("data", (chunk: Buffer) => {
          received += chunk.length;
        });
        res.on("error", () => {});
        res.on("close", () => resolve({ status: res.statusCode ?? 0, received, ended: res.complete ? "complete" : "cut" }));
      });
      req.setTimeout(5_000, () => req.destroy(new Error("the cut response hung")));
      req.on("error", reject);
    });
    expect(cut.status).toBe(200);
    expect(cut.ended).toBe("cut");
    expect(cut.received).toBeLessThan(CUT_DECLARED_BYTES);

    expect((await timedGet("/ok")).status).toBe(200);
    expect((await fetch(`${node.adminUrl}/healthz`)).status).toBe(200);
    expectNodeUp();
  });
});
