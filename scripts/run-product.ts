/**
 * The whole product in one foreground process tree: the database (embedded when DATABASE_URL is
 * unset), migrations and first-run setup, then the dashboard and one proxy node. Ctrl-C or SIGTERM
 * stops the children first and the database last, within 10 seconds.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { createInterface } from "node:readline";

import { bootstrapInstallation, ensureNodeToken } from "@concierge/db/bootstrap";
import { createDb } from "@concierge/db/client";
import { openDatabase } from "@concierge/db/connection";

const STOP_DEADLINE_MS = 8_000;
const dev = process.argv.includes("--dev");
const root = resolve(import.meta.dirname, "..");
const env = process.env;
const dataDir = resolve(root, env.CONCIERGE_DATA_DIR ?? ".concierge");
const webPort = Number(env.PORT ?? 3000);
const proxyPort = Number(env.PROXY_PORT ?? 8080);
const adminPort = Number(env.PROXY_ADMIN_PORT ?? 9090);
const adminHost = env.PROXY_ADMIN_HOST ?? "127.0.0.1";

function say(message: string): void {
  process.stdout.write(`[concierge] ${message}\n`);
}

function fail(message: string): never {
  process.stderr.write(`[concierge] ${message}\n`);
  process.exit(1);
}

function assertPortFree(port: number, host: string, what: string): Promise<void> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE")
        fail(`Port ${port} (${what}) is already in use: stop what holds it or set another port.`);
      fail(`Cannot listen on ${host}:${port} (${what}): ${error.message}`);
    });
    probe.listen(port, host, () => probe.close(() => done()));
  });
}

/** JSON values as pino wrote them; strings unquoted. */
function fieldText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

const LEVELS: Record<number, string> = {
  10: "trace",
  20: "debug",
  30: "info",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};
const QUIET_FIELDS = new Set([
  "level",
  "time",
  "msg",
  "pid",
  "hostname",
  "service",
  "nodeId",
  "worker",
]);

/** pino JSON → "12:00:01 web   info  listening port=3000"; anything else passes through. */
function formatLine(name: string, line: string): string {
  const tag = name.padEnd(5);
  if (!line.startsWith("{")) return `${tag} ${line}`;
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    const time = new Date(Number(entry.time ?? Date.now())).toISOString().slice(11, 19);
    const fields = Object.entries(entry)
      .filter(([key]) => !QUIET_FIELDS.has(key))
      .map(([key, value]) => `${key}=${fieldText(value)}`)
      .join(" ");
    return `${time} ${tag} ${(LEVELS[Number(entry.level)] ?? "info").padEnd(5)} ${fieldText(entry.msg ?? "")} ${fields}`;
  } catch {
    return `${tag} ${line}`;
  }
}

function startChild(name: string, args: string[], childEnv: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group: Ctrl-C reaches us, and we stop the children in order
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) =>
      process.stdout.write(`${formatLine(name, line)}\n`),
    );
  }
  return child;
}

function waitForExit(child: ChildProcess, deadlineMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
    }, deadlineMs);
    child.once("exit", () => {
      clearTimeout(timer);
      done();
    });
  });
}

await assertPortFree(webPort, "0.0.0.0", "dashboard, PORT");
await assertPortFree(proxyPort, "0.0.0.0", "proxy, PROXY_PORT");
await assertPortFree(adminPort, adminHost, "proxy admin, PROXY_ADMIN_PORT");

say(
  env.DATABASE_URL
    ? "using the database at DATABASE_URL"
    : `starting the embedded PostgreSQL (data in ${dataDir})`,
);
const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir }).catch(
  (error: unknown) => fail(error instanceof Error ? error.message : String(error)),
);

const db = createDb({ url: database.url, maxConnections: 2 });
const setup = await bootstrapInstallation(db, {
  adminEmail: env.CONCIERGE_ADMIN_EMAIL,
  adminPassword: env.CONCIERGE_ADMIN_PASSWORD,
  dataDir,
});
const nodeToken = env.PROXY_NODE_TOKEN ?? (await ensureNodeToken(db, dataDir));
await db.$disconnect();
if (setup.initialPasswordFile) {
  say(
    `first admin: ${env.CONCIERGE_ADMIN_EMAIL ?? "admin@localhost"} — its one-time password is in ${setup.initialPasswordFile}`,
  );
}

const shared = {
  ...env,
  DATABASE_URL: database.url,
  CONCIERGE_DATA_DIR: dataDir,
  NEXT_TELEMETRY_DISABLED: "1",
};
const children = {
  web: startChild("web", ["--import", "tsx", "apps/web/server.ts", ...(dev ? ["--dev"] : [])], {
    ...shared,
    NODE_ENV: dev ? "development" : "production",
    PORT: String(webPort),
  }),
  proxy: startChild(
    "proxy",
    dev
      ? ["--import", "tsx", "--watch", "apps/proxy/src/main.ts"]
      : ["--enable-source-maps", "apps/proxy/dist/main.mjs"],
    {
      ...shared,
      NODE_ENV: dev ? "development" : "production",
      PROXY_NODE_TOKEN: nodeToken,
      CONCIERGE_WEB_URL: env.CONCIERGE_WEB_URL ?? `http://127.0.0.1:${webPort}`,
    },
  ),
};
say(
  `dashboard http://localhost:${webPort} · proxy :${proxyPort} · admin http://${adminHost}:${adminPort}/readyz`,
);

let stopping = false;
async function stop(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say("stopping…");
  const all = Object.values(children);
  for (const child of all) child.kill("SIGTERM");
  await Promise.all(all.map((child) => waitForExit(child, STOP_DEADLINE_MS)));
  await database.stop();
  say("stopped");
  process.exit(exitCode);
}

process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
for (const [name, child] of Object.entries(children)) {
  child.on("exit", (code, signal) => {
    if (stopping) return;
    process.stderr.write(
      `[concierge] ${name} exited (${signal ?? `code ${code}`}); stopping everything.\n`,
    );
    void stop(1);
  });
}
