import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createDb } from "@concierge/db/client";
import type { ConfigSnapshot } from "@concierge/config/snapshot";
import { createTestDatabase } from "../../../../packages/db/test-support/fresh-database.ts";
import type { TestDatabase } from "../../../../packages/db/test-support/fresh-database.ts";

import { readLastGood } from "../../src/config/last-good.ts";
import { startConfigSync } from "../../src/config/watch-revisions.ts";
import type { ConfigSync } from "../../src/config/watch-revisions.ts";
import { createLogger } from "../../src/logger.ts";
import { notifyRevision, writeInvalidRevision, writeRevision } from "./support/snapshots.ts";
import { waitFor } from "./support/wait-for.ts";

const log = createLogger({ level: "silent", nodeId: "test", worker: 1 });

/** Stands in for the proxy runtime: remembers what it was asked to apply. */
function createRecordingRuntime() {
  const applied: number[] = [];
  return {
    applied,
    apply(_snapshot: ConfigSnapshot, revision: number) {
      applied.push(revision);
    },
  };
}

let database: TestDatabase;
let dataDir: string;
const syncs: ConfigSync[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), "concierge-sync-"));
});
afterAll(async () => {
  await Promise.all(syncs.map((sync) => sync.stop()));
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
});

async function start(options: { url?: string; dataDir?: string } = {}) {
  const url = options.url ?? database.url;
  const runtime = createRecordingRuntime();
  const db = options.url === undefined ? database.db : createDb({ url, maxConnections: 1 });
  const sync = await startConfigSync({
    db,
    databaseUrl: url,
    runtime,
    dataDir: options.dataDir ?? dataDir,
    pseudonym: "concierge-test",
    log,
    // Long enough that only notifications can explain a prompt apply.
    pollIntervalMs: 60_000,
    startTimeoutMs: 2_000,
  });
  syncs.push(sync);
  return { sync, runtime, db };
}

describe("config sync", () => {
  // The tests share one database and build on each other's revisions, in order.
  let follower: Awaited<ReturnType<typeof start>>;

  it("starts without a config when the database holds no revision", async () => {
    follower = await start();
    expect(follower.sync.status()).toEqual({ revision: null, source: null, database: "connected", refused: null });
  });

  it("applies a new revision on its notification and saves it as last-good", async () => {
    const revision = await writeRevision(database.db);
    await waitFor("revision applied", () => follower.sync.status().revision === revision);
    expect(follower.sync.status().source).toBe("database");
    expect(follower.runtime.applied).toEqual([revision]);
    await waitFor("last-good saved", async () => (await readLastGood(dataDir))?.revision === revision);
  });

  it("ignores duplicate and out-of-order notifications", async () => {
    const second = await writeRevision(database.db);
    await waitFor("second revision applied", () => follower.sync.status().revision === second);
    await notifyRevision(database.db, second - 1);
    await notifyRevision(database.db, second);
    const third = await writeRevision(database.db);
    await waitFor("third revision applied", () => follower.sync.status().revision === third);
    expect(follower.runtime.applied).toEqual([second - 1, second, third]);
  });

  it("refuses an invalid revision, keeps serving the current one and reports why", async () => {
    const current = follower.sync.status().revision;
    const invalid = await writeInvalidRevision(database.db);
    const refused = await waitFor("revision refused", () => follower.sync.status().refused ?? undefined);
    expect(refused.revision).toBe(invalid);
    expect(refused.reasons.some((reason) => reason.startsWith("routes[0]."))).toBe(true);
    expect(follower.sync.status().revision).toBe(current);
    expect(follower.runtime.applied).not.toContain(invalid);

    const next = await writeRevision(database.db);
    await waitFor("next valid revision applied", () => follower.sync.status().revision === next);
    expect(follower.sync.status().refused).toBeNull();
  });

  it("loads the latest revision from the database at start", async () => {
    const { sync } = await start({ dataDir: await mkdtemp(path.join(tmpdir(), "concierge-sync-")) });
    expect(sync.status()).toMatchObject({ revision: follower.sync.status().revision, source: "database" });
  });

  it("serves the last-good file when the database is unreachable", async () => {
    const { sync, db } = await start({ url: "postgresql://postgres@127.0.0.1:1/none" });
    expect(sync.status()).toMatchObject({
      revision: follower.sync.status().revision,
      source: "last-good",
      database: "unreachable",
    });
    await sync.stop();
    await db.$disconnect();
  });

  it("serves nothing, without failing, with neither database nor last-good file", async () => {
    const emptyDir = await mkdtemp(path.join(tmpdir(), "concierge-sync-"));
    const { sync, db } = await start({ url: "postgresql://postgres@127.0.0.1:1/none", dataDir: emptyDir });
    expect(sync.status()).toEqual({ revision: null, source: null, database: "unreachable", refused: null });
    await sync.stop();
    await db.$disconnect();
  });
});
