import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "../../../../packages/db/test-support/fresh-database.ts";
import { buildProxyBundle, startNode, type RunningNode } from "../control/support/start-node.ts";
import { waitFor } from "../control/support/wait-for.ts";
import { startOrigin, type TestOrigin } from "../upstream/support/start-origin.ts";
import { addRoutes } from "./support/config.ts";
import { startLoad } from "./support/load.ts";

const LOAD_CONCURRENCY = 8;
const REQUESTS_AFTER_RESTART = 500;
/** About 1,600 requests/s at most, leaving CPU for the restarting worker on two cores. */
const LOAD_PAUSE_MS = 5;
const SHUTDOWN_GRACE_MS = 5_000;
/** Beyond the grace period: the primary's own exit margin and process teardown. */
const EXIT_MARGIN_MS = 3_000;

let database: TestDatabase;
let dataDir: string;
let origin: TestOrigin;
let revision: number;
/** Requests to /held wait here until the test releases them. */
const held: Array<() => void> = [];
const nodes: RunningNode[] = [];

beforeAll(async () => {
  [, database, dataDir, origin] = await Promise.all([
    buildProxyBundle(),
    createTestDatabase(),
    mkdtemp(path.join(tmpdir(), "concierge-workers-")),
    startOrigin((req, res) => {
      const answer = () => res.end(`ok ${req.url}`);
      if (req.url?.startsWith("/held")) held.push(answer);
      else answer();
    }),
  ]);
  revision = await addRoutes(database.db, [{ pathPrefix: "/", pool: { targets: [{ url: origin.url }] } }]);
}, 60_000);

afterEach(async () => {
  for (const release of held.splice(0)) release();
  await Promise.all(nodes.splice(0).map((node) => node.stop()));
});

afterAll(async () => {
  await origin?.kill();
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function startTwoWorkers(): Promise<{ node: RunningNode; workerPids: number[] }> {
  const node = await startNode({
    DATABASE_URL: database.url,
    CONCIERGE_DATA_DIR: dataDir,
    PROXY_WORKERS: "2",
    PROXY_SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS),
  });
  nodes.push(node);
  const workerPids = await waitFor("both workers listening", () => {
    const pids = new Set(node.logs.filter((line) => line.msg === "data listening").map((line) => line.pid));
    return pids.size === 2 ? [...pids] : undefined;
  });
  await waitFor("both workers serving", async () => {
    const readyz = await node.readyz();
    return readyz.body.revision === revision && (readyz.body.workers as unknown[]).length === 2;
  });
  return { node, workerPids };
}

/** Resolves with the error code of a fresh connection attempt: "connected" or e.g. "ECONNREFUSED". */
async function tryConnect(url: string): Promise<string> {
  const { port } = new URL(url);
  const socket = connect(Number(port), "127.0.0.1");
  try {
    await once(socket, "connect");
    return "connected";
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? "error";
  } finally {
    socket.destroy();
  }
}

describe("proxy worker faults under load", () => {
  it("restarts a SIGKILLed worker; only requests on its open connections fail", async () => {
    const { node, workerPids } = await startTwoWorkers();
    const load = startLoad({
      baseUrl: node.dataUrl,
      concurrency: LOAD_CONCURRENCY,
      maxRequests: 50_000,
      pauseMs: LOAD_PAUSE_MS,
      path: (index) => `/item/${index}`,
    });
    await waitFor("load running", () => load.outcomes.length >= 300);

    const [victim] = workerPids;
    const killedAt = Date.now();
    process.kill(victim!, "SIGKILL");
    await node.waitForLog("replacement worker listening", (line) => line.msg === "data listening" && !workerPids.includes(line.pid));
    await waitFor("node ready with two workers again", async () => {
      const readyz = await node.readyz();
      return readyz.status === 200 && (readyz.body.workers as unknown[]).length === 2;
    });
    const restartedAt = Date.now();
    await waitFor("requests after the restart", () =>
      load.outcomes.filter((outcome) => outcome.startedAt > restartedAt).length >= REQUESTS_AFTER_RESTART,
    20_000);
    const outcomes = await load.stop();

    const failures = load.failures();
    expect(failures.length).toBeLessThanOrEqual(LOAD_CONCURRENCY);
    // Every failed request used a connection that was already open when the worker died.
    expect(failures.filter((failure) => failure.connectionSeenAt > killedAt)).toEqual([]);
    expect(failures.every((failure) => failure.status === null)).toBe(true);
    expect(outcomes.filter((outcome) => outcome.startedAt > restartedAt && (outcome.status ?? 0) !== 200)).toEqual([]);
  }, 60_000);

  it("drains on SIGTERM: in-flight requests complete, new connections are refused, exit 0 within the grace period", async () => {
    const { node } = await startTwoWorkers();
    const load = startLoad({
      baseUrl: node.dataUrl,
      concurrency: LOAD_CONCURRENCY,
      maxRequests: 50_000,
      pauseMs: LOAD_PAUSE_MS,
      path: (index) => `/item/${index}`,
    });
    await waitFor("load running", () => load.outcomes.length >= 300);
    const inFlight = [1, 2, 3].map((index) => fetch(`${node.dataUrl}/held/${index}`, { signal: AbortSignal.timeout(15_000) }));
    await waitFor("held requests reached the origin", () => held.length === 3);

    const exited = once(node.process, "exit");
    const signalledAt = Date.now();
    node.process.kill("SIGTERM");
    await waitFor("both workers draining", () => node.logs.filter((line) => line.msg === "worker stopping").length === 2);
    const refusal = await waitFor("new connections refused", async () => {
      const result = await tryConnect(node.dataUrl);
      return result === "connected" ? undefined : result;
    }, SHUTDOWN_GRACE_MS);
    expect(refusal).toBe("ECONNREFUSED");

    for (const release of held.splice(0)) release();
    const answers = await Promise.all(inFlight);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(await Promise.all(answers.map((answer) => answer.text()))).toEqual(["ok /held/1", "ok /held/2", "ok /held/3"]);

    const [code] = (await exited) as [number | null];
    const exitMs = Date.now() - signalledAt;
    const outcomes = await load.stop();
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(SHUTDOWN_GRACE_MS + EXIT_MARGIN_MS);
    // Requests sent before the signal were in flight or done: none of them may fail.
    expect(outcomes.filter((outcome) => outcome.startedAt < signalledAt && outcome.status !== 200)).toEqual([]);
    // After it, a request is either answered in full or refused at the connection: never a proxy error.
    expect(outcomes.filter((outcome) => outcome.status !== null && outcome.status !== 200)).toEqual([]);
  }, 60_000);
});
