import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { saveLastGood } from "../../src/config/last-good.ts";
import { resolvePseudonym } from "../../src/config/pseudonym.ts";
import { EMPTY_SNAPSHOT } from "@concierge/config/snapshot";
import { bootstrapInstallation } from "@concierge/db/bootstrap";
import { createTestDatabase } from "../../../../packages/db/test-support/fresh-database.ts";

const nodeId = "5f0c2d6e-1111-4222-8333-444455556666";
let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "concierge-pseudonym-"));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("resolvePseudonym", () => {
  it("names the installation, so every node of it recognises a loop", async () => {
    const database = await createTestDatabase();
    try {
      const { installationId } = await bootstrapInstallation(database.db, { dataDir, adminEmail: "a@example.com", adminPassword: "long-enough-password" });
      expect(await resolvePseudonym({ db: database.db, dataDir, nodeId })).toBe(`concierge-${installationId}`);
      expect(await resolvePseudonym({ db: database.db, dataDir, nodeId: "another-node" })).toBe(`concierge-${installationId}`);
    } finally {
      await database.drop();
    }
  });

  it("falls back to the last-good file, then to the node id, without a database", async () => {
    expect(await resolvePseudonym({ dataDir, nodeId })).toBe("concierge-5f0c2d6e");
    await saveLastGood(dataDir, { revision: 1, snapshot: EMPTY_SNAPSHOT, pseudonym: "concierge-beefcafe" });
    expect(await resolvePseudonym({ dataDir, nodeId })).toBe("concierge-beefcafe");
  });
});
