import { randomBytes } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import pg from "pg";
import { afterEach, describe, expect, inject, it } from "vitest";

import { DatabaseUnreachableError, openDatabase } from "./connection.ts";
import type { Logger } from "./logger.ts";
import { listMigrationNames } from "./migrate.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function recordingLogger(): Logger & { messages: string[] } {
  const messages: string[] = [];
  const record = (_fields: object, message: string) => void messages.push(message);
  return { messages, info: record, warn: record, error: record };
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("openDatabase with a DATABASE_URL", () => {
  it("creates the database when the server lacks it, and migrates it", async () => {
    const { adminUrl } = inject("testDatabase");
    const name = `concierge_open_${randomBytes(4).toString("hex")}`;
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    cleanups.push(() =>
      query(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => {}),
    );

    const opened = await openDatabase({
      databaseUrl: url.href,
      dataDir: "/nonexistent",
      log: recordingLogger(),
    });
    expect(opened).toMatchObject({ url: url.href, embedded: false });
    const rows = await query<{ migration_name: string }>(
      url.href,
      `SELECT migration_name FROM "_prisma_migrations"`,
    );
    expect(rows.map((row) => row.migration_name)).toEqual(await listMigrationNames());
    await opened.stop();

    const again = await openDatabase({
      databaseUrl: url.href,
      dataDir: "/nonexistent",
      log: recordingLogger(),
    });
    expect(again.url).toBe(url.href);
  });

  it("says in one sentence which server it cannot reach, without the password", async () => {
    const port = await closedPort();
    const attempt = openDatabase({
      databaseUrl: `postgresql://concierge:hunter2secret@127.0.0.1:${port}/concierge`,
      dataDir: "/nonexistent",
      log: recordingLogger(),
    });
    await expect(attempt).rejects.toBeInstanceOf(DatabaseUnreachableError);
    await expect(attempt).rejects.toThrow(
      `cannot reach PostgreSQL at 127.0.0.1:${port} (ECONNREFUSED)`,
    );
    await expect(attempt).rejects.not.toThrow(/hunter2/);
  });
});

describe("openDatabase without a DATABASE_URL", { timeout: 60_000 }, () => {
  it("starts an embedded PostgreSQL, migrates it, stops it and reuses its data on the next start", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "concierge-embedded-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));

    const firstLog = recordingLogger();
    const first = await openDatabase({ dataDir, log: firstLog });
    cleanups.push(() => first.stop());
    expect(first.embedded).toBe(true);
    expect(new URL(first.url).hostname).toBe("127.0.0.1");
    expect(firstLog.messages).toContain("initialising embedded PostgreSQL");
    const applied = await query<{ n: number }>(
      first.url,
      `SELECT count(*)::int AS n FROM "_prisma_migrations"`,
    );
    expect(applied).toEqual([{ n: (await listMigrationNames()).length }]);
    await query(
      first.url,
      `INSERT INTO settings (key, value, updated_at) VALUES ('kept', '"yes"', now())`,
    );
    expect((await stat(join(dataDir, "embedded-postgres.json"))).mode & 0o777).toBe(0o600);
    await first.stop();
    await expect(query(first.url, "SELECT 1")).rejects.toThrow();

    const secondLog = recordingLogger();
    const second = await openDatabase({ dataDir, log: secondLog });
    cleanups.push(() => second.stop());
    expect(secondLog.messages).not.toContain("initialising embedded PostgreSQL");
    expect(new URL(second.url).port).toBe(new URL(first.url).port);
    const kept = await query<{ value: string }>(
      second.url,
      `SELECT value FROM settings WHERE key = 'kept'`,
    );
    expect(kept).toEqual([{ value: "yes" }]);
  });
});
