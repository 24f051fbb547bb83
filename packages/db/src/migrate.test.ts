import { createHash } from "node:crypto";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "../test-support/fresh-database.ts";
import { listMigrationNames, migrate, MigrationError } from "./migrate.ts";

const MIGRATIONS_DIR = fileURLToPath(new URL("../../../prisma/migrations", import.meta.url));

let database: TestDatabase;
let client: pg.Client;
let migrationNames: string[];

beforeAll(async () => {
  migrationNames = await listMigrationNames();
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  // Start from an empty schema: the template is already migrated.
  await client.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
});

afterAll(async () => {
  await client.end();
  await database.drop();
});

describe("migrate", () => {
  it("applies every migration to an empty database and records it as Prisma does", async () => {
    const { applied } = await migrate(database.url);
    expect(applied).toEqual(migrationNames);
    expect(applied[0]).toBe("20261125000000_init");

    const sql = await readFile(join(MIGRATIONS_DIR, "20261125000000_init", "migration.sql"));
    const { rows } = await client.query<{ id: string; started_at: Date; finished_at: Date | null }>(
      `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows).toHaveLength(migrationNames.length);
    expect(rows[0]).toMatchObject({
      migration_name: "20261125000000_init",
      checksum: createHash("sha256").update(sql).digest("hex"),
      applied_steps_count: 1,
      logs: null,
      rolled_back_at: null,
    });
    const [row] = rows;
    expect(row?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row?.finished_at).toBeInstanceOf(Date);
    expect(row?.started_at.getTime()).toBeLessThanOrEqual(row?.finished_at?.getTime() ?? 0);

    const tables = await client.query(`SELECT to_regclass('public.config_revisions') AS t`);
    expect(tables.rows[0].t).toBe("config_revisions");
  });

  it("applies nothing on a second run, even when several run at once", async () => {
    const runs = await Promise.all([
      migrate(database.url),
      migrate(database.url),
      migrate(database.url),
    ]);
    expect(runs.map((run) => run.applied)).toEqual([[], [], []]);
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    expect(rows[0].n).toBe(migrationNames.length);
  });

  it("refuses a migration whose file changed after it was applied", async () => {
    const dir = await mkdtemp(join(tmpdir(), "concierge-migrations-"));
    try {
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      await writeFile(join(dir, "20261125000000_init", "migration.sql"), "-- edited\n", {
        flag: "a",
      });
      await expect(migrate(database.url, undefined, { migrationsDir: dir })).rejects.toThrow(
        /20261125000000_init was changed after it was applied/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses to continue after a failed migration", async () => {
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at)
       VALUES ('00000000-0000-4000-8000-000000000001', 'x', '20261126000000_broken', now())`,
    );
    try {
      const attempt = migrate(database.url);
      await expect(attempt).rejects.toBeInstanceOf(MigrationError);
      await expect(attempt).rejects.toThrow(/20261126000000_broken failed earlier/);
    } finally {
      await client.query(
        `DELETE FROM "_prisma_migrations" WHERE migration_name = '20261126000000_broken'`,
      );
    }
  });

  it("rolls back a migration that fails and records nothing for it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "concierge-migrations-"));
    try {
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      await cp(join(dir, "20261125000000_init"), join(dir, "20261127000000_bad"), {
        recursive: true,
      });
      await writeFile(
        join(dir, "20261127000000_bad", "migration.sql"),
        `CREATE TABLE "half_done" (id int);\nSELECT * FROM "no_such_table";\n`,
      );
      await expect(migrate(database.url, undefined, { migrationsDir: dir })).rejects.toThrow(
        /20261127000000_bad failed: relation "no_such_table" does not exist/,
      );
      const leftovers = await client.query(
        `SELECT to_regclass('public.half_done') AS t,
                (SELECT count(*)::int FROM "_prisma_migrations" WHERE migration_name = '20261127000000_bad') AS n`,
      );
      expect(leftovers.rows[0]).toEqual({ t: null, n: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
