import { randomBytes } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";

import pg from "pg";
import { inject } from "vitest";

import { createDb, type Db } from "../src/client.ts";
import { databaseUrl, quoteIdentifier } from "./test-database-context.ts";

/** PostgreSQL refuses to copy a template while another session is connected to it. */
const TEMPLATE_IN_USE = "55006";
const CREATE_DEADLINE_MS = 20_000;
const RETRY_INTERVAL_MS = 25;

export interface TestDatabase {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

async function withAdmin<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function createFromTemplate(
  client: pg.Client,
  name: string,
  template: string,
): Promise<void> {
  const deadline = Date.now() + CREATE_DEADLINE_MS;
  for (;;) {
    try {
      await client.query(
        `CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(template)}`,
      );
      return;
    } catch (error) {
      const busy = (error as { code?: string }).code === TEMPLATE_IN_USE;
      if (!busy || Date.now() > deadline) throw error;
      await delay(RETRY_INTERVAL_MS);
    }
  }
}

/**
 * A database of its own for one test file, copied from the migrated template the global setup
 * made. `drop()` disconnects the client and removes the database.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { adminUrl, templateName } = inject("testDatabase");
  const name = `concierge_test_${randomBytes(6).toString("hex")}`;
  await withAdmin(adminUrl, (client) => createFromTemplate(client, name, templateName));

  const url = databaseUrl(adminUrl, name);
  const db = createDb({ url, maxConnections: 4 });
  return {
    url,
    db,
    async drop() {
      await db.$disconnect();
      await withAdmin(adminUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`),
      );
    },
  };
}
