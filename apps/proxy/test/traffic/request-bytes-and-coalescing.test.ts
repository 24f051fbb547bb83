import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createTestDatabase,
  type TestDatabase,
} from "../../../../packages/db/test-support/fresh-database.ts";
import { buildProxyBundle, startNode, type RunningNode } from "../control/support/start-node.ts";
import { waitFor } from "../control/support/wait-for.ts";
import { routeTo } from "./support/route-to.ts";

const CONCURRENT = 6;

let database: TestDatabase;
let dataDir: string;
let origin: Server;
let node: RunningNode;
let cachedRouteId: string;
let uploadRouteId: string;
const held: ServerResponse[] = [];
let uploadedBytes = 0;

async function metrics(): Promise<string> {
  return (await fetch(`${node.adminUrl}/metrics`)).text();
}

const counter = (text: string, name: string, routeId: string) =>
  [...text.matchAll(new RegExp(`^${name}\\{route="${routeId}",[^}]*\\} (\\d+)`, "gm"))].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );

beforeAll(async () => {
  await buildProxyBundle();
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), "concierge-request-bytes-"));
  origin = createServer((req, res) => {
    if (req.method === "GET") {
      held.push(res);
      return;
    }
    req.on("data", (chunk: Buffer) => (uploadedBytes += chunk.length));
    req.on("end", () => res.end("stored"));
  });
  origin.listen(0, "127.0.0.1");
  await once(origin, "listening");
  const originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  cachedRouteId = (await routeTo(database.db, "cached", "/cached", originUrl, { cached: true })).routeId;
  uploadRouteId = (await routeTo(database.db, "upload", "/upload", originUrl)).routeId;
  node = await startNode({
    DATABASE_URL: database.url,
    CONCIERGE_DATA_DIR: dataDir,
    PROXY_NODE_ID: "node-request-bytes",
    PROXY_WORKERS: "1",
  });
  await waitFor("the node to serve", async () => (await node.readyz()).status === 200, 20_000);
}, 120_000);

afterAll(async () => {
  await node?.stop();
  origin?.closeAllConnections();
  origin?.close();
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("request bytes and coalesced answers in /metrics", () => {
  it("counts request body bytes, declared and chunked alike", async () => {
    const declared = await fetch(`${node.dataUrl}/upload/a`, { method: "POST", body: "x".repeat(1_234) });
    expect(await declared.text()).toBe("stored");
    const chunks = [new Uint8Array(500).fill(1), new Uint8Array(277).fill(2)];
    const chunked = await fetch(`${node.dataUrl}/upload/b`, {
      method: "POST",
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      }),
      duplex: "half",
    });
    expect(await chunked.text()).toBe("stored");
    expect(uploadedBytes).toBe(1_234 + 777);

    const text = await waitFor("the uploads to be counted", async () => {
      const current = await metrics();
      return counter(current, "concierge_request_bytes_total", uploadRouteId) > 0 ? current : undefined;
    });
    expect(counter(text, "concierge_request_bytes_total", uploadRouteId)).toBe(1_234 + 777);
  }, 30_000);

  it("counts the answers that waited on another request's origin fetch, as their clients saw them", async () => {
    const pending = Array.from({ length: CONCURRENT }, () => fetch(`${node.dataUrl}/cached/shared`));
    await waitFor("the first origin fetch", () => held.length === 1);
    await waitFor("every request to be in flight", async () =>
      /^concierge_requests_in_flight 6$/m.test(await metrics()),
    );
    held[0]?.writeHead(200, { "cache-control": "max-age=60" });
    held[0]?.end("shared");

    const responses = await Promise.all(pending);
    const bodies = await Promise.all(responses.map((response) => response.text()));
    expect(bodies).toEqual(Array.from({ length: CONCURRENT }, () => "shared"));
    expect(held).toHaveLength(1);
    const coalesced = responses.filter((response) => response.headers.get("cache-status")?.includes("detail=coalesced")).length;
    expect(coalesced).toBeGreaterThan(0);

    const text = await waitFor("the answers to be counted", async () => {
      const current = await metrics();
      return counter(current, "concierge_requests_total", cachedRouteId) === CONCURRENT ? current : undefined;
    });
    expect(counter(text, "concierge_coalesced_requests_total", cachedRouteId)).toBe(coalesced);
  }, 30_000);
});
