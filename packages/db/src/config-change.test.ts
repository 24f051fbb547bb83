import { DEFAULT_CACHE_RULE } from "@concierge/config/cache-rule";
import { ConfigSnapshotSchema } from "@concierge/config/snapshot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createPool, createRoute } from "../test-support/config-fixtures.ts";
import { createTestDatabase, type TestDatabase } from "../test-support/fresh-database.ts";
import { waitFor } from "../test-support/wait-for.ts";
import type { Db } from "./client.ts";
import {
  applyConfigChange,
  latestRevision,
  loadRevision,
  readConfigSnapshot,
  rollbackToRevision,
} from "./config-change.ts";
import { InvalidConfigError, NotFoundError } from "./errors.ts";
import { listenForRevisions, type Listener } from "./notify.ts";

let database: TestDatabase;
let db: Db;
let listener: Listener;
/** Each notification with whether its revision was already visible to another connection. */
const notified: { revision: number; committed: Promise<boolean> }[] = [];

const change = (action: string) => ({ actorId: null, action, entityType: "test" });

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  let connected = false;
  listener = await listenForRevisions({
    url: database.url,
    onConnectionChange: (up) => {
      connected = up;
    },
    onRevision: (revision) => {
      notified.push({
        revision,
        committed: loadRevision(db, revision).then((stored) => stored !== null),
      });
    },
  });
  await waitFor(() => connected, { what: "the listener to connect" });
});

afterAll(async () => {
  await listener.close();
  await database.drop();
});

describe("applyConfigChange", () => {
  it("numbers revisions upwards, stores the snapshot and writes the audit entry", async () => {
    const first = await applyConfigChange(
      db,
      {
        ...change("pool.create"),
        entityId: "shop",
        after: { name: "shop" },
        message: "first",
        clientIp: "127.0.0.1",
      },
      (tx) => createPool(tx, "shop", ["http://127.0.0.1:8001", "http://127.0.0.1:8002"]),
    );
    const second = await applyConfigChange(db, change("route.create"), (tx) =>
      createRoute(tx, { name: "all", poolId: first.result.id }),
    );
    expect(second.revision).toBe(first.revision + 1);

    const stored = await loadRevision(db, second.revision);
    const snapshot = ConfigSnapshotSchema.parse(stored?.snapshot);
    expect(snapshot).toEqual(await readConfigSnapshot(db));
    expect(snapshot.routes).toHaveLength(1);
    expect(await latestRevision(db)).toEqual(stored);

    const revisionRow = await db.configRevision.findUniqueOrThrow({
      where: { number: first.revision },
    });
    expect(revisionRow).toMatchObject({ summary: "pool.create", message: "first", actorId: null });
    const audit = await db.auditEntry.findFirstOrThrow({ where: { revision: first.revision } });
    expect(audit).toMatchObject({
      action: "pool.create",
      entityType: "test",
      entityId: "shop",
      after: { name: "shop" },
      before: null,
      clientIp: "127.0.0.1",
    });
  });

  it("notifies listeners only once the revision is committed", async () => {
    const { revision } = await applyConfigChange(db, change("pool.create"), (tx) =>
      createPool(tx, "notified"),
    );
    const seen = await waitFor(() => notified.find((entry) => entry.revision === revision), {
      what: `notification of revision ${revision}`,
    });
    expect(await seen.committed).toBe(true);
  });

  it("rolls back a failing write and notifies nothing", async () => {
    const before = await latestRevision(db);
    await expect(
      applyConfigChange(db, change("pool.create"), async (tx) => {
        await createPool(tx, "doomed");
        throw new Error("write failed");
      }),
    ).rejects.toThrow("write failed");
    expect(await db.pool.findUnique({ where: { name: "doomed" } })).toBeNull();
    expect(await latestRevision(db)).toEqual(before);

    const { revision } = await applyConfigChange(db, change("pool.create"), (tx) =>
      createPool(tx, "after-failure"),
    );
    expect(revision).toBe(before!.revision + 1);
    // Notifications arrive in commit order, so once the later one is here nothing else was sent.
    await waitFor(() => notified.some((entry) => entry.revision === revision));
    expect(notified.map((entry) => entry.revision)).toEqual(
      [...new Set(notified.map((entry) => entry.revision))].sort((a, b) => a - b),
    );
    expect(
      notified.filter((entry) => entry.revision > before!.revision).map((e) => e.revision),
    ).toEqual([revision]);
  });

  it("refuses a change that leaves a duplicate route, naming it", async () => {
    const pool = await db.pool.findUniqueOrThrow({ where: { name: "shop" } });
    const before = await latestRevision(db);
    const attempt = applyConfigChange(db, change("route.create"), (tx) =>
      createRoute(tx, { name: "all-again", poolId: pool.id }),
    );
    await expect(attempt).rejects.toBeInstanceOf(InvalidConfigError);
    await expect(attempt).rejects.toMatchObject({
      problems: ['routes[1]: duplicates routes[0] ("all"): same hosts, path prefix and methods'],
    });
    expect(await db.route.count({ where: { name: "all-again" } })).toBe(0);
    expect(await latestRevision(db)).toEqual(before);
  });

  it("refuses an invalid field with a message naming it", async () => {
    const pool = await db.pool.findUniqueOrThrow({ where: { name: "shop" } });
    await expect(
      applyConfigChange(db, change("route.create"), (tx) =>
        createRoute(tx, { name: "bad", poolId: pool.id, pathPrefix: "api" }),
      ),
    ).rejects.toThrow(/routes\[\d\]\.pathPrefix: must start with "\/"/);
  });

  it("serialises concurrent changes so each revision contains every earlier one", async () => {
    const base = (await latestRevision(db))!.revision;
    const poolsBefore = await db.pool.count();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        applyConfigChange(db, change("pool.create"), (tx) => createPool(tx, `parallel-${index}`)),
      ),
    );
    const revisions = results.map((result) => result.revision).sort((a, b) => a - b);
    expect(revisions).toEqual([1, 2, 3, 4, 5, 6].map((step) => base + step));
    for (const revision of revisions) {
      const snapshot = ConfigSnapshotSchema.parse((await loadRevision(db, revision))?.snapshot);
      expect(snapshot.pools).toHaveLength(poolsBefore + revision - base);
    }
  });
});

describe("readConfigSnapshot", () => {
  it("maps rows to the shared config shapes", async () => {
    const { result: pool } = await applyConfigChange(db, change("pool.create"), (tx) =>
      createPool(tx, "mapped", [
        "http://127.0.0.1:8101",
        "http://127.0.0.1:8102",
        "http://127.0.0.1:8103",
      ]),
    );
    await applyConfigChange(db, change("route.create"), async (tx) => {
      const route = await createRoute(tx, {
        name: "mapped-get",
        poolId: pool.id,
        hosts: ["shop.example.com"],
        pathPrefix: "/mapped",
        methods: ["GET"],
      });
      await tx.route.update({ where: { id: route.id }, data: { maxBodyBytes: 1234n } });
      await tx.cacheRule.create({
        data: {
          routeId: route.id,
          enabled: true,
          ttlOverrideSeconds: 60,
          keyQuery: { include: ["page"] },
        },
      });
      // Reverse the listed order: position, not insertion, decides.
      await tx.target.updateMany({
        where: { poolId: pool.id, url: "http://127.0.0.1:8103" },
        data: { position: -1 },
      });
    });

    const snapshot = await readConfigSnapshot(db);
    const mappedPool = snapshot.pools.find((candidate) => candidate.id === pool.id)!;
    expect(mappedPool.targets.map((target) => target.url)).toEqual([
      "http://127.0.0.1:8103",
      "http://127.0.0.1:8101",
      "http://127.0.0.1:8102",
    ]);
    const get = snapshot.routes.find((route) => route.name === "mapped-get")!;
    expect(get).toMatchObject({ methods: ["GET"], maxBodyBytes: 1234 });
    expect(get.cache).toMatchObject({
      enabled: true,
      ttlOverrideSeconds: 60,
      keyQuery: { include: ["page"] },
    });
    expect(get.cache).not.toHaveProperty("defaultTtlSeconds");
    const all = snapshot.routes.find((route) => route.name === "all")!;
    expect(all).toMatchObject({
      methods: null,
      maxBodyBytes: 10_485_760,
      cache: DEFAULT_CACHE_RULE,
    });
  });
});

describe("rollbackToRevision", () => {
  it("restores an earlier configuration, with its ids, as a new revision", async () => {
    const target = (await latestRevision(db))!;
    await applyConfigChange(db, change("route.delete"), (tx) =>
      tx.route.deleteMany({ where: { name: "all" } }),
    );
    await applyConfigChange(db, change("pool.update"), (tx) =>
      tx.pool.update({ where: { name: "shop" }, data: { name: "renamed" } }),
    );

    const { revision } = await rollbackToRevision(db, { actorId: null, revision: target.revision });
    expect(revision).toBeGreaterThan(target.revision + 2);
    expect((await loadRevision(db, revision))?.snapshot).toEqual(target.snapshot);
    expect(await readConfigSnapshot(db)).toEqual(target.snapshot);
    const audit = await db.auditEntry.findFirstOrThrow({ where: { revision } });
    expect(audit).toMatchObject({ action: "config.rollback", entityId: String(target.revision) });
  });

  it("refuses a revision that does not exist", async () => {
    await expect(
      rollbackToRevision(db, { actorId: null, revision: 999_999 }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
