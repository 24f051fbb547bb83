import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import type { ExplainAnswer, ProbeResult } from "@concierge/config/node-questions";
import { hashPassword } from "@concierge/db/password";
import { createUserRepository } from "@concierge/db/repositories/users";
import { hashToken } from "@concierge/db/token-hash";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "../../../packages/db/test-support/fresh-database.ts";
import { buildProxyBundle, startNode, type RunningNode } from "../../proxy/test/control/support/start-node.ts";
import { waitFor } from "../../proxy/test/control/support/wait-for.ts";
import { addRoutes } from "../../proxy/test/reliability/support/config.ts";
import { deadUrl, startOrigin, type TestOrigin } from "../../proxy/test/upstream/support/start-origin.ts";
import { ensureBuild, startWeb, type RunningWeb } from "./support/start-web.ts";

const PUBLIC_URL = "http://dashboard.test";
const NODE_TOKEN = "node-token-for-the-questions-test-0123456789";
const NODE_ID = "questions-node";
const PASSWORD = "questions test password";

let database: TestDatabase;
let dataDir: string;
let web: RunningWeb;
let origin: TestOrigin;
let dead: string;
let node: RunningNode | undefined;
const cookies: Record<"viewer" | "editor", string> = { viewer: "", editor: "" };

async function signIn(role: "viewer" | "editor"): Promise<string> {
  const email = `${role}@example.test`;
  await createUserRepository(database.db).create({ email, role, passwordHash: await hashPassword(PASSWORD) });
  const response = await fetch(`${web.baseUrl}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: PUBLIC_URL },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(response.status).toBe(201);
  return (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

function explain(query: Record<string, string>, cookie: string | null = cookies.viewer): Promise<Response> {
  return fetch(`${web.baseUrl}/api/v1/explain?${new URLSearchParams(query).toString()}`, {
    headers: cookie === null ? {} : { cookie },
  });
}

function probe(body: unknown, cookie: string | null = cookies.editor): Promise<Response> {
  return fetch(`${web.baseUrl}/api/v1/pools/probe`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: PUBLIC_URL, ...(cookie === null ? {} : { cookie }) },
    body: JSON.stringify(body),
  });
}

async function problemOf(response: Response): Promise<{ status: number; type: string | null; detail: string }> {
  const body = (await response.json()) as { detail: string };
  return { status: response.status, type: response.headers.get("content-type"), detail: body.detail };
}

beforeAll(async () => {
  [, , database, dataDir, origin, dead] = await Promise.all([
    ensureBuild(),
    buildProxyBundle(),
    createTestDatabase(),
    mkdtemp(path.join(tmpdir(), "concierge-questions-")),
    startOrigin(),
    deadUrl(),
  ]);
  await database.db.nodeToken.create({ data: { name: "questions", tokenHash: hashToken(NODE_TOKEN) } });
  await addRoutes(database.db, [
    { pathPrefix: "/shop", pool: { targets: [{ url: origin.url }] }, route: { methods: ["GET"] } },
    {
      pathPrefix: "/broken",
      pool: {
        targets: [{ url: dead }],
        healthCheck: { enabled: true, path: "/", intervalMs: 100, timeoutMs: 200, unhealthyThreshold: 1 },
      },
    },
  ]);
  web = await startWeb({ DATABASE_URL: database.url, CONCIERGE_PUBLIC_URL: PUBLIC_URL });
  cookies.viewer = await signIn("viewer");
  cookies.editor = await signIn("editor");
}, 300_000);

afterAll(async () => {
  await node?.stop();
  await web?.stop();
  await origin?.kill();
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("questions asked of a proxy node through the API", () => {
  it("answers 401 to anonymous callers", async () => {
    expect((await explain({ url: "http://shop.test/shop" }, null)).status).toBe(401);
    expect((await probe({ urls: [origin.url] }, null)).status).toBe(401);
  });

  it("answers 503 problem+json while no node is connected", async () => {
    expect(await problemOf(await explain({ url: "http://shop.test/shop" }))).toEqual({
      status: 503,
      type: "application/problem+json",
      detail: "No proxy node is connected to the dashboard; the question must be asked of a node",
    });
  });

  it("explains a request from a connected node: the route and why, or why none", async () => {
    node = await startNode({
      DATABASE_URL: database.url,
      CONCIERGE_DATA_DIR: dataDir,
      CONCIERGE_WEB_URL: web.baseUrl,
      PROXY_NODE_TOKEN: NODE_TOKEN,
      PROXY_NODE_ID: NODE_ID,
      PROXY_WORKERS: "1",
    });
    const response = await waitFor("the node answering", async () => {
      const current = await explain({ url: "http://shop.test/shop/cart?x=1", method: "get" });
      return current.status === 503 ? undefined : current;
    }, 20_000);
    expect(response.status).toBe(200);
    const answer = (await response.json()) as ExplainAnswer;
    expect(answer).toMatchObject({
      nodeId: NODE_ID,
      request: { method: "GET", host: "shop.test", path: "/shop/cart", query: "x=1" },
      route: { name: "shop", pathPrefix: "/shop" },
      pool: { name: "shop", next: { url: origin.url }, targets: [{ url: origin.url, state: "up" }] },
      cache: { enabled: false, key: null, stored: null },
    });
    expect(answer.reason).toContain('route "shop" serves it: host shop.test by the pattern *');

    const none = (await (await explain({ url: "http://shop.test/nowhere" })).json()) as ExplainAnswer;
    expect(none.route).toBeNull();
    expect(none.reason).toBe(
      "routes serve the host shop.test, but none under the path /nowhere (their prefixes: /broken, /shop): the proxy answers 404",
    );
    const method = (await (await explain({ url: "http://shop.test/shop", method: "POST" })).json()) as ExplainAnswer;
    expect(method.reason).toContain("none takes the method POST");
  });

  it("shows a target that fails its health checks as down", async () => {
    const answer = await waitFor("the dead target down", async () => {
      const current = (await (await explain({ url: "http://any.test/broken" })).json()) as ExplainAnswer;
      return current.pool?.targets[0]?.state === "down" ? current : undefined;
    });
    expect(answer.pool).toMatchObject({ name: "broken", next: null });
  });

  it("probes a live and a dead target from the node, for editors only", async () => {
    const viewer = await probe({ urls: [origin.url] }, cookies.viewer);
    expect(viewer.status).toBe(403);

    const response = await probe({ urls: [origin.url, dead] });
    expect(response.status).toBe(200);
    const results = (await response.json()) as Array<ProbeResult & { nodeId: string }>;
    expect(results).toEqual([
      expect.objectContaining({ url: origin.url, answered: true, status: 200, error: null, nodeId: NODE_ID }),
      expect.objectContaining({ url: dead, answered: false, status: null, error: "ECONNREFUSED", nodeId: NODE_ID }),
    ]);
  });

  it("says clearly when the input or the chosen node will not do", async () => {
    const scheme = await explain({ url: "ftp://shop.test/" });
    expect(scheme.status).toBe(422);
    expect(await scheme.json()).toMatchObject({ errors: [{ path: "url", message: "only http and https URLs" }] });

    expect(await problemOf(await explain({ url: "http://shop.test/", nodeId: "no-such-node" }))).toEqual({
      status: 503,
      type: "application/problem+json",
      detail: "Proxy node no-such-node is not connected to the dashboard",
    });
  });
});
