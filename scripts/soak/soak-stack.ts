/**
 * What every soak run stands on: three origins, a fresh database, the web server, a pool and one
 * route per path configured through the JSON API, and one proxy node serving that revision.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { createDb } from "@concierge/db/client";
import { hashToken } from "@concierge/db/token-hash";

import { createCleanup, type Cleanup } from "../bench/cleanup.ts";
import { callApi, signIn, startProxyNode, startWeb, type ProxyNode, type WebServer } from "../bench/concierge.ts";
import { openBenchDatabase, type BenchDatabase } from "../bench/database.ts";
import { startOrigins } from "../bench/origins.ts";
import type { SoakConfig } from "./config-churn.ts";
import type { TrafficMix } from "./mixed-traffic.ts";

export const root = resolve(import.meta.dirname, "../..");

/** The traffic of every soak: mostly small cached answers, some uncacheable, a few large ones. */
export const MIX: TrafficMix[] = [
  { path: "/1k", weight: 60 },
  { path: "/nostore", weight: 30 },
  { path: "/100k", weight: 10 },
];

export interface SoakStack {
  database: BenchDatabase;
  web: WebServer;
  bearer: Record<string, string>;
  config: SoakConfig;
  proxy: ProxyNode;
}

/** A pool of the three origins and one route per path, as an operator would set them up. */
async function configure(
  web: WebServer,
  bearer: Record<string, string>,
  originUrls: string[],
): Promise<SoakConfig> {
  const { json: pool } = await callApi<{ id: string }>(
    web,
    "POST",
    "/api/v1/pools",
    {
      name: "soak-origins",
      algorithm: "round_robin",
      targets: originUrls.map((url) => ({ url, weight: 1 })),
      healthCheck: { path: "/healthz", intervalMs: 5_000 },
    },
    bearer,
  );
  const routes = {} as SoakConfig["routes"];
  let revision = 0;
  for (const path of ["/1k", "/nostore", "/100k"] as const) {
    const { json: route } = await callApi<{ id: string; revision: number }>(
      web,
      "POST",
      "/api/v1/routes",
      {
        name: `soak${path.replace("/", "-")}`,
        hosts: ["*"],
        pathPrefix: path,
        poolId: pool.id,
        cache: { enabled: path !== "/nostore" },
      },
      bearer,
    );
    routes[path] = route.id;
    revision = route.revision;
  }
  return { poolId: pool.id, routes, originUrls, revision };
}

/** A node token stored hashed, as `npm start` mints one, so the node pushes live ticks to the web. */
async function mintNodeToken(databaseUrl: string): Promise<string> {
  const token = randomBytes(24).toString("base64url");
  const db = createDb({ url: databaseUrl, maxConnections: 1 });
  try {
    await db.nodeToken.create({ data: { name: "soak", tokenHash: hashToken(token) } });
  } finally {
    await db.$disconnect();
  }
  return token;
}

export async function startSoakStack(
  cleanup: Cleanup,
  options: { root: string; say(message: string): void; liveDashboard: boolean },
): Promise<SoakStack> {
  const dataDir = await mkdtemp(join(tmpdir(), "concierge-soak-"));
  cleanup.defer("soak data folder", () => rm(dataDir, { recursive: true, force: true }));

  options.say("starting the origins and the database");
  const originUrls = (await startOrigins(cleanup, options.root)).urls;
  const database = await openBenchDatabase(cleanup, join(dataDir, "installation"));

  options.say("starting the web server and configuring Concierge through its API");
  const web = await startWeb(cleanup, {
    root: options.root,
    databaseUrl: database.url,
    dataDir: join(dataDir, "installation"),
  });
  const bearer = await signIn(web, "soak");
  const config = await configure(web, bearer, originUrls);
  if (options.liveDashboard) {
    // The bench's node starter passes this process's environment on to the node.
    process.env.PROXY_NODE_TOKEN = await mintNodeToken(database.url);
    process.env.CONCIERGE_WEB_URL = web.url;
  }
  const proxy = await startProxyNode(cleanup, {
    root: options.root,
    databaseUrl: database.url,
    dataDir: join(dataDir, "proxy"),
    nodeId: "soak",
    workers: 1,
    minRevision: config.revision,
  });
  return { database, web, bearer, config, proxy };
}

/**
 * Runs a soak to its end: everything registered with the cleanup is stopped on success, on
 * failure and on Ctrl-C; the exit code is 0 for PASS, 1 for FAIL or failure, 130 when interrupted.
 */
export async function runSoak(label: string, main: (cleanup: Cleanup) => Promise<boolean>): Promise<never> {
  const cleanup = createCleanup();
  let interrupted = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      process.stdout.write(`[${label}] ${signal}: stopping everything\n`);
      void cleanup.runAll().then(() => process.exit(130));
    });
  }
  try {
    const pass = await main(cleanup);
    await cleanup.runAll();
    process.exit(pass ? 0 : 1);
  } catch (error) {
    process.stderr.write(`[${label}] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await cleanup.runAll();
    process.exit(1);
  }
}
