/**
 * Concierge under test: the web server (production build), proxy nodes from the bundle
 * (`apps/proxy/dist/main.mjs`), and the configuration written through the product's own JSON API.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";

import { request } from "undici";

import type { Cleanup } from "./cleanup.ts";
import { BENCH_ADMIN } from "./database.ts";
import { freePort, startProcess } from "./processes.ts";
import { waitFor } from "./wait-for.ts";

const START_TIMEOUT_MS = 60_000;

export interface WebServer {
  url: string;
}

export async function startWeb(
  cleanup: Cleanup,
  options: { root: string; databaseUrl: string; dataDir: string },
): Promise<WebServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const web = startProcess(cleanup, "web", process.execPath, ["--import", "tsx", "apps/web/server.ts"], {
    cwd: options.root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: options.databaseUrl,
      CONCIERGE_DATA_DIR: options.dataDir,
      CONCIERGE_PUBLIC_URL: url,
      PORT: String(port),
      LOG_LEVEL: "warn",
    },
  });
  await waitFor(
    "the web server to answer",
    async () => {
      if (web.child.exitCode !== null) throw new Error(`web exited early:\n${web.recentOutput()}`);
      const { statusCode, body } = await request(`${url}/api/v1/openapi.json`);
      await body.dump();
      return statusCode === 200 ? true : undefined;
    },
    { timeoutMs: START_TIMEOUT_MS, intervalMs: 200 },
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${web.recentOutput()}`);
  });
  return { url };
}

export async function callApi<T>(
  web: WebServer,
  method: "GET" | "POST" | "PATCH",
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ json: T; setCookie: string[] }> {
  const response = await request(`${web.url}${path}`, {
    method,
    headers: { "content-type": "application/json", origin: web.url, ...headers },
    body: method === "GET" ? undefined : JSON.stringify(body),
  });
  const text = await response.body.text();
  if (response.statusCode >= 300) {
    throw new Error(`${method} ${path} answered ${response.statusCode}: ${text.slice(0, 500)}`);
  }
  const cookie = response.headers["set-cookie"];
  return { json: JSON.parse(text) as T, setCookie: cookie === undefined ? [] : [cookie].flat() };
}

export interface BenchConfig {
  poolId: string;
  /** The cache-enabled route for everything but the pass-through path. */
  routeId: string;
  /** The revision the last write returned; proxies serving it serve the whole bench config. */
  revision: number;
}

/** Session → API token: the headers that authorise API calls as the bench admin. */
export async function signIn(web: WebServer, tokenName: string): Promise<Record<string, string>> {
  const session = await callApi<unknown>(web, "POST", "/api/v1/session", BENCH_ADMIN, {});
  const cookie = session.setCookie.map((entry) => entry.split(";")[0]).join("; ");
  if (cookie === "") throw new Error("POST /api/v1/session set no cookie");

  const { json: token } = await callApi<{ token: string }>(web, "POST", "/api/v1/tokens", { name: tokenName }, { cookie });
  return { authorization: `Bearer ${token.token}` };
}

/**
 * Signed in → pool of the origins (round robin) → a cache-enabled route for any host, and a
 * cache-less one for the uncacheable `/nostore`, as nginx's config declares it too.
 */
export async function configureThroughApi(web: WebServer, originUrls: string[]): Promise<BenchConfig> {
  const bearer = await signIn(web, "benchmark");

  const { json: pool } = await callApi<{ id: string; revision: number }>(
    web,
    "POST",
    "/api/v1/pools",
    {
      name: "bench-origins",
      algorithm: "round_robin",
      targets: originUrls.map((url) => ({ url, weight: 1 })),
      healthCheck: { path: "/healthz", intervalMs: 5_000 },
    },
    bearer,
  );
  const { json: route } = await callApi<{ id: string; revision: number }>(
    web,
    "POST",
    "/api/v1/routes",
    { name: "bench", hosts: ["*"], pathPrefix: "/", poolId: pool.id, cache: { enabled: true } },
    bearer,
  );
  const { json: passThrough } = await callApi<{ id: string; revision: number }>(
    web,
    "POST",
    "/api/v1/routes",
    { name: "bench-pass-through", hosts: ["*"], pathPrefix: "/nostore", poolId: pool.id, cache: { enabled: false } },
    bearer,
  );
  return { poolId: pool.id, routeId: route.id, revision: passThrough.revision };
}

export interface ProxyNode {
  port: number;
  adminPort: number;
  nodeId: string;
  /** The node's primary process (its workers are its children). */
  pid: number;
  /** The revision every worker of the node serves, or null. */
  revision(): Promise<number | null>;
  stop(): Promise<void>;
}

export async function readyRevision(adminPort: number): Promise<number | null> {
  const { body } = await request(`http://127.0.0.1:${adminPort}/readyz`);
  const readiness = (await body.json()) as { revision: number | null };
  return readiness.revision;
}

/**
 * One proxy node. The access log is written at info and the proxy has no switch of its own for
 * it, so the node runs at LOG_LEVEL=warn (nginx runs with `access_log off`).
 */
export async function startProxyNode(
  cleanup: Cleanup,
  options: {
    root: string;
    databaseUrl: string;
    dataDir: string;
    nodeId: string;
    workers: number;
    minRevision: number;
    /** PROXY_METRICS=off for the metrics on/off comparison. */
    metrics?: "on" | "off";
  },
): Promise<ProxyNode> {
  const [port, adminPort] = [await freePort(), await freePort()];
  await mkdir(options.dataDir, { recursive: true });
  const node = startProcess(cleanup, `proxy ${options.nodeId}`, process.execPath, [join(options.root, "apps/proxy/dist/main.mjs")], {
    cwd: options.root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: options.databaseUrl,
      CONCIERGE_DATA_DIR: options.dataDir,
      PROXY_NODE_ID: options.nodeId,
      PROXY_PORT: String(port),
      PROXY_HOST: "127.0.0.1",
      PROXY_ADMIN_PORT: String(adminPort),
      PROXY_ADMIN_HOST: "127.0.0.1",
      PROXY_TLS_PORT: "off",
      PROXY_WORKERS: String(options.workers),
      PROXY_METRICS: options.metrics ?? "on",
      LOG_LEVEL: "warn",
    },
  });
  await waitFor(
    `proxy ${options.nodeId} to serve revision ${options.minRevision}`,
    async () => {
      if (node.child.exitCode !== null) throw new Error(`proxy exited early:\n${node.recentOutput()}`);
      const revision = await readyRevision(adminPort);
      return revision !== null && revision >= options.minRevision ? true : undefined;
    },
    { timeoutMs: START_TIMEOUT_MS, intervalMs: 50 },
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${node.recentOutput()}`);
  });
  return {
    port,
    adminPort,
    nodeId: options.nodeId,
    pid: node.child.pid!,
    revision: () => readyRevision(adminPort),
    stop: node.stop,
  };
}
