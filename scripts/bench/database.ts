/**
 * The benchmark's database: a fresh `concierge_bench_<pid>` on the server named by
 * TEST_DATABASE_URL or DATABASE_URL (dropped afterwards), else the embedded PostgreSQL in a
 * temporary data folder. Either way migrated, with a known first admin.
 */
import { bootstrapInstallation } from "@concierge/db/bootstrap";
import { createDb } from "@concierge/db/client";
import { openDatabase } from "@concierge/db/connection";
import pg from "pg";

import type { Cleanup } from "./cleanup.ts";

export const BENCH_ADMIN = { email: "bench@example.com", password: "bench-password-1234" } as const;

export interface BenchDatabase {
  url: string;
  /** Where it came from, for the report. */
  kind: "external" | "embedded";
}

async function withMaintenanceClient(serverUrl: string, run: (client: pg.Client) => Promise<void>): Promise<void> {
  const maintenance = new URL(serverUrl);
  maintenance.pathname = "/postgres";
  const client = new pg.Client({ connectionString: maintenance.href, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}

/** Drops `name` on the server of `serverUrl` if it is there, whoever is connected to it. */
export function dropDatabase(serverUrl: string, name: string): Promise<void> {
  return withMaintenanceClient(serverUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => {}),
  );
}

export async function openBenchDatabase(cleanup: Cleanup, dataDir: string): Promise<BenchDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  let database: BenchDatabase;
  if (serverUrl) {
    const name = `concierge_bench_${process.pid}`;
    await dropDatabase(serverUrl, name);
    await withMaintenanceClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`).then(() => {}));
    cleanup.defer(`database ${name}`, () => dropDatabase(serverUrl, name));
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const opened = await openDatabase({ databaseUrl: url.href, dataDir });
    database = { url: opened.url, kind: "external" };
  } else {
    const opened = await openDatabase({ dataDir });
    cleanup.defer("embedded PostgreSQL", () => opened.stop());
    database = { url: opened.url, kind: "embedded" };
  }

  const db = createDb({ url: database.url, maxConnections: 1 });
  try {
    await bootstrapInstallation(db, { adminEmail: BENCH_ADMIN.email, adminPassword: BENCH_ADMIN.password, dataDir });
  } finally {
    await db.$disconnect();
  }
  return database;
}
