import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { LAST_GOOD_FILE, readLastGood, saveLastGood } from "../../src/config/last-good.ts";
import { EMPTY_SNAPSHOT } from "@concierge/config/snapshot";

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "concierge-last-good-"));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("last-good config", () => {
  it("reads back what was saved and leaves no temporary file", async () => {
    await saveLastGood(dataDir, { revision: 3, snapshot: EMPTY_SNAPSHOT, pseudonym: "concierge-abc" });
    expect(await readLastGood(dataDir)).toEqual({ revision: 3, snapshot: EMPTY_SNAPSHOT, pseudonym: "concierge-abc" });
    expect(await readdir(dataDir)).toEqual([LAST_GOOD_FILE]);
  });

  it("is null when absent or no longer valid", async () => {
    expect(await readLastGood(dataDir)).toBeNull();
    await writeFile(path.join(dataDir, LAST_GOOD_FILE), JSON.stringify({ revision: 2, snapshot: { routes: 1 } }));
    expect(await readLastGood(dataDir)).toBeNull();
  });

  it("never replaces a newer revision with an older one", async () => {
    await saveLastGood(dataDir, { revision: 7, snapshot: EMPTY_SNAPSHOT });
    await saveLastGood(dataDir, { revision: 6, snapshot: EMPTY_SNAPSHOT });
    expect((await readLastGood(dataDir))?.revision).toBe(7);
  });
});
