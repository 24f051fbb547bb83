import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createTestDatabase,
  type TestDatabase,
} from "../../../../packages/db/test-support/fresh-database.ts";
import { routeEverythingTo, writeRevision } from "../control/support/snapshots.ts";
import { buildProxyBundle, startNode, type RunningNode } from "../control/support/start-node.ts";
import { waitFor } from "../control/support/wait-for.ts";

const REQUESTS = 120;
/** A request stuck in the node fails here, named, instead of using up the test's time. */
const REQUEST_TIMEOUT_MS = 10_000;

let database: TestDatabase;
let dataDir: string;
let origin: Server;
let node: RunningNode | undefined;

beforeAll(async () => {
  await buildProxyBundle();
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), "concierge-traffic-node-"));
  origin = createServer((_req, res) => res.end("from origin"));
  origin.listen(0, "127.0.0.1");
  await once(origin, "listening");
  await writeRevision(
    database.db,
    routeEverythingTo(`http://127.0.0.1:${(origin.address() as AddressInfo).port}`),
  );
}, 120_000);

afterAll(async () => {
  await node?.stop();
  origin?.closeAllConnections();
  origin?.close();
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("a node's traffic with two workers", () => {
  // The timeout is above the sum of the steps' own deadlines, about 100 s (the node's start and
  // readiness, the metrics, the rollups, its stop after the shutdown grace): on a slow machine the
  // late step fails with its own message.
  it("adds up every worker in /metrics and writes each request to the rollups exactly once", async () => {
    node = await startNode({
      DATABASE_URL: database.url,
      CONCIERGE_DATA_DIR: dataDir,
      PROXY_NODE_ID: "node-traffic",
      PROXY_WORKERS: "2",
      PROXY_ROLLUP_INTERVAL_MS: "1000",
    });
    await waitFor("the node to serve", async () => (await node?.readyz())?.status === 200, 20_000);

    // Fresh connections per request, so both workers take a share.
    for (let request = 0; request < REQUESTS; request++) {
      const response = await fetch(`${node.dataUrl}/page/${request}`, {
        headers: { connection: "close" },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }

    const counted = await waitFor(
      "/metrics to count every request",
      async () => {
        const text = await (await fetch(`${node?.adminUrl}/metrics`)).text();
        const total = [
          ...text.matchAll(/^concierge_requests_total\{[^}]*status_class="2xx"[^}]*\} (\d+)/gm),
        ].reduce((sum, match) => sum + Number(match[1]), 0);
        return total === REQUESTS ? text : undefined;
      },
      10_000,
    );
    expect(counted).toMatch(/^concierge_workers 2$/m);

    const stored = async () => {
      const rows = await database.db.trafficRollup.findMany({ where: { nodeId: "node-traffic" } });
      return rows.reduce((sum, row) => sum + Number(row.requests), 0);
    };
    // Closed buckets are written while the node runs; the open one when it stops.
    await waitFor("rollups to be written", async () => (await stored()) > 0, 15_000);
    expect(await node.stop()).toBe(0);
    node = undefined;
    expect(await stored()).toBe(REQUESTS);
  }, 120_000);
});
