import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createPool, createRoute } from "../test-support/config-fixtures.ts";
import { createTestDatabase, type TestDatabase } from "../test-support/fresh-database.ts";
import { isForeignKeyViolation, isNotFound, isUniqueViolation } from "./errors.ts";

let database: TestDatabase;
let other: TestDatabase;

beforeAll(async () => {
  // Several at once, as parallel test files do.
  [database, other] = await Promise.all([createTestDatabase(), createTestDatabase()]);
});

afterAll(async () => {
  await Promise.all([database.drop(), other.drop()]);
});

async function failureOf(operation: Promise<unknown>): Promise<unknown> {
  try {
    await operation;
  } catch (error) {
    return error;
  }
  throw new Error("the operation succeeded");
}

describe("Prisma error recognition", () => {
  it("tells unique, foreign-key and not-found failures apart", async () => {
    const { db } = database;
    const pool = await db.$transaction((tx) => createPool(tx, "shared"));
    await db.$transaction((tx) => createRoute(tx, { name: "uses-pool", poolId: pool.id }));

    const duplicate = await failureOf(db.$transaction((tx) => createPool(tx, "shared")));
    expect([
      isUniqueViolation(duplicate),
      isForeignKeyViolation(duplicate),
      isNotFound(duplicate),
    ]).toEqual([true, false, false]);
    const inUse = await failureOf(db.pool.delete({ where: { id: pool.id } }));
    expect([isUniqueViolation(inUse), isForeignKeyViolation(inUse), isNotFound(inUse)]).toEqual([
      false,
      true,
      false,
    ]);
    const missing = await failureOf(db.pool.delete({ where: { name: "absent" } }));
    expect([
      isUniqueViolation(missing),
      isForeignKeyViolation(missing),
      isNotFound(missing),
    ]).toEqual([false, false, true]);
  });

  it("runs on a database of its own", async () => {
    expect(other.url).not.toBe(database.url);
    expect(await other.db.pool.count()).toBe(0);
  });
});
