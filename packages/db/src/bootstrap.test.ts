import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { ConfigSnapshotSchema, EMPTY_SNAPSHOT } from "@concierge/config/snapshot";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "../test-support/fresh-database.ts";
import { bootstrapInstallation, ensureNodeToken } from "./bootstrap.ts";
import { loadRevision } from "./config-change.ts";
import { silentLogger } from "./logger.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import { hashToken } from "./token-hash.ts";

let database: TestDatabase;
let dataDir: string;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "concierge-bootstrap-"));
  const { db } = database;
  await db.auditEntry.deleteMany();
  await db.configRevision.deleteMany();
  await db.user.deleteMany();
  await db.setting.deleteMany();
  await db.nodeToken.deleteMany();
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("bootstrapInstallation", () => {
  it("creates the installation id, an empty revision and one admin, even when started twice at once", async () => {
    const options = { dataDir, log: silentLogger };
    const results = await Promise.all([
      bootstrapInstallation(database.db, options),
      bootstrapInstallation(database.db, options),
    ]);

    expect(results.filter((result) => result.adminCreated)).toHaveLength(1);
    const [one, two] = results;
    expect(one.installationId).toMatch(/^[0-9a-f]{8}$/);
    expect(two.installationId).toBe(one.installationId);

    const users = await database.db.user.findMany();
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({
      email: "admin@localhost",
      role: "admin",
      mustChangePassword: true,
    });

    const passwordFile = results.find((result) => result.adminCreated)!.initialPasswordFile!;
    expect(passwordFile).toBe(join(dataDir, "initial-admin-password"));
    expect((await stat(passwordFile)).mode & 0o777).toBe(0o600);
    const password = (await readFile(passwordFile, "utf8")).trim();
    expect(await verifyPassword(users[0]!.passwordHash!, password)).toBe(true);

    expect(await database.db.configRevision.count()).toBe(1);
    const first = await loadRevision(
      database.db,
      (await database.db.configRevision.findFirstOrThrow()).number,
    );
    expect(ConfigSnapshotSchema.parse(first?.snapshot)).toEqual(EMPTY_SNAPSHOT);
  });

  it("never resets an existing user and keeps the installation id", async () => {
    const first = await bootstrapInstallation(database.db, {
      adminEmail: "ops@example.com",
      adminPassword: "correct horse battery staple",
      dataDir,
      log: silentLogger,
    });
    expect(first).toEqual({ installationId: first.installationId, adminCreated: true });
    const admin = await database.db.user.findUniqueOrThrow({ where: { email: "ops@example.com" } });
    expect(admin.mustChangePassword).toBe(false);

    const again = await bootstrapInstallation(database.db, {
      adminEmail: "other@example.com",
      adminPassword: "something else entirely",
      dataDir,
      log: silentLogger,
    });
    expect(again).toEqual({ installationId: first.installationId, adminCreated: false });
    expect(await database.db.user.findMany()).toEqual([admin]);
    expect(await database.db.configRevision.count()).toBe(1);
  });
});

describe("ensureNodeToken", () => {
  it("mints a token once, keeps it in a 0600 file and stores only its hash", async () => {
    const [token, same] = await Promise.all([
      ensureNodeToken(database.db, dataDir),
      ensureNodeToken(database.db, dataDir),
    ]);
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(same).toBe(token);
    expect(await ensureNodeToken(database.db, dataDir)).toBe(token);

    const file = join(dataDir, "node-token");
    expect((await readFile(file, "utf8")).trim()).toBe(token);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const rows = await database.db.nodeToken.findMany();
    expect(rows.map((row) => row.tokenHash)).toEqual([hashToken(token)]);
  });
});

describe("passwords", () => {
  it("hash with argon2id and verify only the right password", async () => {
    const stored = await hashPassword("s3cret!");
    expect(stored).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(stored, "s3cret!")).toBe(true);
    expect(await verifyPassword(stored, "s3cret")).toBe(false);
    expect(await verifyPassword("not a hash", "s3cret!")).toBe(false);
  });
});
