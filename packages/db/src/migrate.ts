import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import pg from "pg";

import { type Logger, silentLogger } from "./logger.ts";

const DEFAULT_MIGRATIONS_DIR = fileURLToPath(
  new URL("../../../prisma/migrations", import.meta.url),
);

/** The key `prisma migrate deploy` locks too, so our runner and Prisma's never interleave. */
const MIGRATION_LOCK_KEY = 72707369;

/** Prisma's own bookkeeping table, created exactly as Prisma creates it. */
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends Error {
  override name = "MigrationError";
}

interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

interface AppliedMigration {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

/** The migrations of a folder, in the order they apply. */
export async function listMigrationNames(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const names = await listMigrationNames(dir);
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(join(dir, name, "migration.sql"));
      return {
        name,
        sql: bytes.toString("utf8"),
        checksum: createHash("sha256").update(bytes).digest("hex"),
      };
    }),
  );
}

function refuseInconsistentHistory(applied: AppliedMigration[], files: MigrationFile[]): void {
  const checksums = new Map(files.map((file) => [file.name, file.checksum]));
  for (const row of applied) {
    if (row.finished_at === null) {
      throw new MigrationError(
        `migration ${row.migration_name} failed earlier and was never resolved; fix the database, then mark it with \`prisma migrate resolve\``,
      );
    }
    const checksum = checksums.get(row.migration_name);
    if (checksum !== undefined && checksum !== row.checksum) {
      throw new MigrationError(
        `migration ${row.migration_name} was changed after it was applied (checksum differs); restore its migration.sql`,
      );
    }
  }
}

/**
 * Applies the pending migrations of prisma/migrations, one transaction each, and records them in
 * `_prisma_migrations` the way Prisma does, so `prisma migrate status|deploy` agree with us.
 * Several processes may call this at once: the advisory lock lets one work and the others find
 * nothing left to do.
 */
export async function migrate(
  url: string,
  log: Logger = silentLogger,
  options: { migrationsDir?: string } = {},
): Promise<{ applied: string[] }> {
  const files = await readMigrations(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await client.query<AppliedMigration>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    refuseInconsistentHistory(rows, files);

    const done = new Set(rows.map((row) => row.migration_name));
    const applied: string[] = [];
    for (const file of files.filter((candidate) => !done.has(candidate.name))) {
      await applyOne(client, file);
      applied.push(file.name);
      log.info({ migration: file.name }, "migration applied");
    }
    return { applied };
  } finally {
    await client.end();
  }
}

async function applyOne(client: pg.Client, file: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query("BEGIN");
  try {
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`,
      [id, file.checksum, file.name],
    );
    await client.query(file.sql);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw new MigrationError(`migration ${file.name} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
