import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Db } from "@concierge/db/client";

import { createTestDatabase } from "../../../../packages/db/test-support/fresh-database.ts";
import type { TestDatabase } from "../../../../packages/db/test-support/fresh-database.ts";
import { startConfigSync } from "../../src/config/watch-revisions.ts";
import type { ConfigSync } from "../../src/config/watch-revisions.ts";
import { createLogger } from "../../src/logger.ts";
import { waitFor } from "../control/support/wait-for.ts";

const log = createLogger({ level: "silent", nodeId: "test", worker: 1 });

let database: TestDatabase;
let dataDir: string;
let sync: ConfigSync | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), "concierge-poll-"));
});
afterAll(async () => {
  await sync?.stop();
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
});

/** The real client, recording what each revision read asked for. */
function recordRevisionReads(db: Db) {
  const reads: Array<{ operation: string; select: unknown }> = [];
  const recorded = db.$extends({
    query: {
      configRevision: {
        async $allOperations({ operation, args, query }) {
          reads.push({ operation, select: (args as { select?: unknown }).select });
          return query(args);
        },
      },
    },
  });
  return { db: recorded as unknown as Db, reads };
}

/** A revision nobody announces: only the poll can find it. */
async function insertSilentRevision(db: Db): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ number: number }>>`
    INSERT INTO config_revisions (summary, snapshot) VALUES ('silent', '{"pools":[],"routes":[]}'::jsonb) RETURNING number`;
  if (!row) throw new Error("no revision inserted");
  return row.number;
}

describe("revision poll", () => {
  it("checks only the latest number and loads a snapshot once, when the number is newer", async () => {
    const { db, reads } = recordRevisionReads(database.db);
    const applied: number[] = [];
    sync = await startConfigSync({
      db,
      databaseUrl: database.url,
      runtime: { apply: (_snapshot, revision) => void applied.push(revision) },
      dataDir,
      pseudonym: "concierge-test",
      log,
      pollIntervalMs: 20,
    });
    expect(sync.status().revision).toBeNull();

    const revision = await insertSilentRevision(database.db);
    await waitFor(
      "silent revision applied by the poll",
      () => sync?.status().revision === revision,
    );
    const checksAfterApply = reads.length;
    await waitFor("five more polls", () => reads.length >= checksAfterApply + 5);

    expect(applied).toEqual([revision]);
    const polls = reads.slice(1); // the first is the start-up load of the latest revision
    const snapshotLoads = polls.filter((read) => read.operation !== "findFirst");
    expect(snapshotLoads).toEqual([
      { operation: "findUnique", select: { number: true, snapshot: true } },
    ]);
    const checks = polls.filter((read) => read.operation === "findFirst");
    expect(checks.length).toBeGreaterThanOrEqual(6);
    for (const check of checks) expect(check.select).toEqual({ number: true });
  });
});
