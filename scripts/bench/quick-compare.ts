/**
 * A quick A/B of the proxy's request path against nginx, without the database or the dashboard:
 * the bundled proxy (`apps/proxy/dist/main.mjs`, or any other bundles given) serves the bench
 * configuration from its last-good file, with metrics, health checks and routing on as in
 * production; nginx runs the benchmark's own configuration; a bare node:http server answering a
 * 1 KiB buffer from a Map shows the ceiling of Node on this machine. All of them are loaded in
 * turn (nginx, bundles…, ceiling), for several rounds, with wrk; the medians and the ratios to
 * nginx are printed.
 *
 *   npm run build -w apps/proxy
 *   npx tsx scripts/bench/quick-compare.ts [--path /1k] [--connections 64] [--rounds 3]
 *     [--duration 5] [--workers 1] [--bundle before=/tmp/main-before.mjs --bundle after=apps/proxy/dist/main.mjs]
 *     [--node-flags="--cpu-prof --cpu-prof-dir=/tmp/profiles"]   (workers inherit them: a profile per process)
 *     [--bare-proxies]   (with --path /nostore: two bare node:http + undici proxies, the floor of a pass-through proxy on Node)
 */
import { randomUUID } from "node:crypto";
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs, promisify } from "node:util";

import { request } from "undici";

import { createCleanup, type Cleanup } from "./cleanup.ts";
import { startNginx } from "./nginx.ts";
import { startOrigins } from "./origins.ts";
import { freePort, startProcess } from "./processes.ts";
import { waitFor } from "./wait-for.ts";
import { runWrk } from "./wrk.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const WARM_UP_SECONDS = 2;

const { values } = parseArgs({
  options: {
    path: { type: "string", default: "/1k" },
    connections: { type: "string", default: "64" },
    rounds: { type: "string", default: "3" },
    duration: { type: "string", default: "5" },
    workers: { type: "string", default: "1" },
    bundle: { type: "string", multiple: true, default: ["concierge=apps/proxy/dist/main.mjs"] },
    metrics: { type: "string", default: "on" },
    "node-flags": { type: "string", default: "" },
    "bare-proxies": { type: "boolean", default: false },
  },
});
const settings = {
  path: values.path,
  connections: positiveInteger("--connections", values.connections),
  rounds: positiveInteger("--rounds", values.rounds),
  durationSeconds: positiveInteger("--duration", values.duration),
  workers: positiveInteger("--workers", values.workers),
  metrics: values.metrics,
};

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag}: expected a positive integer, got "${text}"`);
  return value;
}

interface Side {
  name: string;
  port: number;
  /** The processes whose CPU time (with their descendants') the side spends. */
  rootPids: number[];
}

const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU milliseconds of `roots` and all their descendants, from /proc. */
async function treeCpuMs(roots: readonly number[]): Promise<number> {
  const processes = new Map<number, { parent: number; ticks: number }>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // Fields after the command (which may hold spaces) start at state: ppid is 2nd, utime 12th, stime 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields.length < 13) continue;
    processes.set(Number(entry), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
  }
  const counted = new Set<number>();
  const pending = [...roots];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    if (counted.has(pid) || !processes.has(pid)) continue;
    counted.add(pid);
    for (const [child, { parent }] of processes) if (parent === pid) pending.push(child);
  }
  let ticks = 0;
  for (const pid of counted) ticks += processes.get(pid)!.ticks;
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** The processes listening on a loopback port (nginx's master and workers). */
async function listeningPids(port: number): Promise<number[]> {
  const { stdout } = await promisify(execFile)("ss", ["-Hltnp", `sport = :${port}`]);
  return [...new Set([...stdout.matchAll(/pid=(\d+)/g)].map((match) => Number(match[1])))];
}

/**
 * The bench configuration as the dashboard writes it: a round-robin pool, a cached route for any
 * host, and a cache-less one for the uncacheable `/nostore`, as the full benchmark declares it.
 */
function benchSnapshot(originUrls: string[]): unknown {
  const poolId = randomUUID();
  return {
    pools: [
      {
        id: poolId,
        name: "bench-origins",
        algorithm: "round_robin",
        targets: originUrls.map((url) => ({ id: randomUUID(), url, weight: 1 })),
        healthCheck: { path: "/healthz", intervalMs: 5_000 },
      },
    ],
    routes: [
      { id: randomUUID(), name: "bench", hosts: ["*"], pathPrefix: "/", poolId, cache: { enabled: true } },
      { id: randomUUID(), name: "bench-pass-through", hosts: ["*"], pathPrefix: "/nostore", poolId, cache: { enabled: false } },
    ],
  };
}

async function startBundle(cleanup: Cleanup, name: string, bundle: string, originUrls: string[]): Promise<Side> {
  const dataDir = await mkdtemp(join(tmpdir(), "concierge-quick-compare-"));
  cleanup.defer(`${name} data`, () => rm(dataDir, { recursive: true, force: true }));
  await writeFile(join(dataDir, "last-good-config.json"), JSON.stringify({ revision: 1, snapshot: benchSnapshot(originUrls) }));
  const [port, adminPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    CONCIERGE_DATA_DIR: dataDir,
    PROXY_PORT: String(port),
    PROXY_HOST: "127.0.0.1",
    PROXY_ADMIN_PORT: String(adminPort),
    PROXY_TLS_PORT: "off",
    PROXY_WORKERS: String(settings.workers),
    PROXY_METRICS: settings.metrics,
    LOG_LEVEL: "warn",
  };
  delete env.DATABASE_URL;
  const nodeFlags = values["node-flags"].split(" ").filter((flag) => flag !== "");
  const node = startProcess(cleanup, name, process.execPath, [...nodeFlags, resolve(ROOT, bundle)], { cwd: ROOT, env });
  await waitFor(
    `${name} to serve its configuration`,
    async () => {
      if (node.child.exitCode !== null) throw new Error(`${name} exited early:\n${node.recentOutput()}`);
      const { body } = await request(`http://127.0.0.1:${adminPort}/readyz`);
      const { revision } = (await body.json()) as { revision: number | null };
      return revision === 1 ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  return { name, port, rootPids: [node.child.pid!] };
}

/** Node's own floor of work per request: parse, look a buffer up in a Map, write it. */
const CEILING_SERVER = `
const { createServer } = require("node:http");
const objects = new Map([["/1k", Buffer.alloc(1024, "c")], ["/100k", Buffer.alloc(100 * 1024, "c")]]);
const headers = ["content-type", "application/octet-stream", "cache-control", "public, max-age=60"];
const server = createServer((req, res) => {
  const body = objects.get(req.url) ?? objects.get("/1k");
  res.writeHead(200, headers);
  res.end(body);
});
server.keepAliveTimeout = 120000;
server.listen(0, "127.0.0.1", () => process.stdout.write("listening " + server.address().port + "\\n"));
process.on("SIGTERM", () => process.exit(0));
`;

/**
 * Node's floor for a pass-through proxy: no routing, no checks, no metrics; one undici Pool per
 * origin, taken in turn. `request` hands the answer over as undici's Readable and pipes it;
 * `dispatch` writes undici's chunks straight into the response, with no stream in between.
 */
const BARE_PROXY = (mode: "request" | "dispatch") => `
const { createServer } = require("node:http");
const { Pool } = require("undici");
const pools = process.env.ORIGINS.split(" ").map((url) => new Pool(url, { connections: 128 }));
let next = 0;
class Relay {
  constructor(res) { this.res = res; }
  onRequestStart() {}
  onResponseStart(controller, statusCode, headers) { this.res.writeHead(statusCode, headers); }
  onResponseData(controller, chunk) {
    if (!this.res.write(chunk)) { controller.pause(); this.res.once("drain", () => controller.resume()); }
  }
  onResponseEnd() { this.res.end(); }
  onResponseError() { if (this.res.headersSent) this.res.destroy(); else { this.res.statusCode = 502; this.res.end(); } }
}
const server = createServer(${
  mode === "request"
    ? `async (req, res) => {
  try {
    const answer = await pools[next++ % pools.length].request({ method: req.method, path: req.url, headers: req.headers });
    res.writeHead(answer.statusCode, answer.headers);
    answer.body.pipe(res);
  } catch { res.statusCode = 502; res.end(); }
}`
    : `(req, res) => {
  pools[next++ % pools.length].dispatch({ method: req.method, path: req.url, headers: req.headers }, new Relay(res));
}`
});
server.keepAliveTimeout = 120000;
server.listen(0, "127.0.0.1", () => process.stdout.write("listening " + server.address().port + "\\n"));
process.on("SIGTERM", () => process.exit(0));
`;

async function startBareProxy(cleanup: Cleanup, mode: "request" | "dispatch", originUrls: string[]): Promise<Side> {
  const name = `bare proxy, ${mode}`;
  const proxy = startProcess(cleanup, name, process.execPath, ["-e", BARE_PROXY(mode)], {
    cwd: ROOT,
    env: { ...process.env, ORIGINS: originUrls.join(" ") },
  });
  const [, port] = await proxy.waitForLine(/^listening (\d+)$/, 10_000);
  return { name, port: Number(port), rootPids: [proxy.child.pid!] };
}

async function startCeiling(cleanup: Cleanup): Promise<Side> {
  const ceiling = startProcess(cleanup, "node:http ceiling", process.execPath, ["-e", CEILING_SERVER]);
  const [, port] = await ceiling.waitForLine(/^listening (\d+)$/, 10_000);
  return { name: "node:http ceiling", port: Number(port), rootPids: [ceiling.child.pid!] };
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  const cleanup = createCleanup();
  process.once("SIGINT", () => void cleanup.runAll().then(() => process.exit(130)));
  try {
    const origins = await startOrigins(cleanup, ROOT);
    const nginx = await startNginx(cleanup, { workers: settings.workers, originPorts: origins.ports });
    const sides: Side[] = [{ name: "nginx", port: nginx.port, rootPids: await listeningPids(nginx.port) }];
    for (const entry of values.bundle) {
      const [name, bundle] = entry.includes("=") ? entry.split("=", 2) : [entry, entry];
      sides.push(await startBundle(cleanup, name!, bundle!, origins.urls));
    }
    if (values["bare-proxies"]) {
      for (const mode of ["request", "dispatch"] as const) sides.push(await startBareProxy(cleanup, mode, origins.urls));
    }
    sides.push(await startCeiling(cleanup));

    const results = new Map<string, { rates: number[]; cpuMicrosPerRequest: number[] }>(
      sides.map((side) => [side.name, { rates: [], cpuMicrosPerRequest: [] }]),
    );
    for (const side of sides) {
      await runWrk({ url: `http://127.0.0.1:${side.port}${settings.path}`, connections: settings.connections, durationSeconds: WARM_UP_SECONDS });
    }
    for (let round = 1; round <= settings.rounds; round++) {
      for (const side of sides) {
        const cpuBefore = await treeCpuMs(side.rootPids);
        const result = await runWrk({
          url: `http://127.0.0.1:${side.port}${settings.path}`,
          connections: settings.connections,
          durationSeconds: settings.durationSeconds,
        });
        const cpuMicros = ((await treeCpuMs(side.rootPids)) - cpuBefore) * 1000;
        const sideResults = results.get(side.name)!;
        sideResults.rates.push(result.requestsPerSecond);
        sideResults.cpuMicrosPerRequest.push(cpuMicros / result.requests);
        const errors = result.errors > 0 ? `  errors: ${result.errorDetail}` : "";
        process.stdout.write(
          `round ${round}  ${side.name.padEnd(20)} ${Math.round(result.requestsPerSecond).toString().padStart(7)} req/s  ${(cpuMicros / result.requests).toFixed(1).padStart(6)} µs CPU/req${errors}\n`,
        );
      }
    }
    const nginxMedian = median(results.get("nginx")!.rates);
    process.stdout.write(
      `\n${settings.path}, ${settings.connections} connections, ${settings.workers} worker(s), metrics ${settings.metrics}: median req/s (ratio to nginx; min–max), median CPU per request\n`,
    );
    for (const [name, { rates, cpuMicrosPerRequest }] of results) {
      const value = median(rates);
      const spread = `${Math.round(Math.min(...rates))}–${Math.round(Math.max(...rates))}`;
      process.stdout.write(
        `${name.padEnd(20)} ${Math.round(value).toString().padStart(7)}  ${(value / nginxMedian).toFixed(2)}×  (${spread})  ${median(cpuMicrosPerRequest).toFixed(1)} µs\n`,
      );
    }
  } finally {
    await cleanup.runAll();
  }
}

await main();
