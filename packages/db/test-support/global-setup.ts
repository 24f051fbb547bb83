import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import pg from "pg";
import type { TestProject } from "vitest/node";

import { startEmbeddedPostgres } from "../src/embedded-server.ts";
import { silentLogger } from "../src/logger.ts";
import { migrate } from "../src/migrate.ts";
import { databaseUrl, quoteIdentifier, type TestDatabaseContext } from "./test-database-context.ts";

interface SharedServer {
  context: TestDatabaseContext;
  users: number;
  release(): Promise<void>;
}

// Every project inherits this global setup; the server and template are made once per run.
const SHARED = Symbol.for("concierge.test-database");
type WithShared = typeof globalThis & { [SHARED]?: Promise<SharedServer> };

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function startServer(): Promise<{ adminUrl: string; stop(): Promise<void> }> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) return { adminUrl: external, stop: async () => {} };

  const dataDir = await mkdtemp(join(tmpdir(), "concierge-test-pg-"));
  const server = await startEmbeddedPostgres({ dataDir, log: silentLogger }).catch(
    async (error: unknown) => {
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    },
  );
  return {
    adminUrl: server.url,
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function prepare(): Promise<SharedServer> {
  const server = await startServer();
  const templateName = `concierge_test_template_${process.pid}_${Date.now().toString(36)}`;
  try {
    await adminQuery(server.adminUrl, `CREATE DATABASE ${quoteIdentifier(templateName)}`);
    await migrate(databaseUrl(server.adminUrl, templateName));
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    context: { adminUrl: server.adminUrl, templateName },
    users: 0,
    async release() {
      await adminQuery(
        server.adminUrl,
        `DROP DATABASE IF EXISTS ${quoteIdentifier(templateName)} WITH (FORCE)`,
      );
      await server.stop();
    },
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const holder = globalThis as WithShared;
  holder[SHARED] ??= prepare();
  const shared = await holder[SHARED];
  shared.users++;
  project.provide("testDatabase", shared.context);

  return async () => {
    shared.users--;
    if (shared.users > 0) return;
    delete holder[SHARED];
    await shared.release();
  };
}
