import { describe, expect, it } from "vitest";

import { toReadiness } from "../../src/admin/node-readiness.ts";
import type { ConfigSyncStatus } from "../../src/config/watch-revisions.ts";

const serving = (revision: number, source: "database" | "last-good" = "database"): ConfigSyncStatus => ({
  revision,
  source,
  database: source === "database" ? "connected" : "unreachable",
  refused: null,
});
const empty: ConfigSyncStatus = { revision: null, source: null, database: "unreachable", refused: null };

describe("toReadiness", () => {
  it("is ready when every worker serves, reporting the oldest revision", () => {
    const readiness = toReadiness("n1", new Map([[1, serving(4)], [2, serving(3)]]));
    expect(readiness).toMatchObject({ ready: true, revision: 3, source: "database", database: "connected", nodeId: "n1" });
    expect(readiness.workers).toEqual([
      { worker: 1, revision: 4, source: "database" },
      { worker: 2, revision: 3, source: "database" },
    ]);
  });

  it("is not ready while one worker serves nothing, and says why", () => {
    const readiness = toReadiness("n1", new Map([[1, serving(4)], [2, empty]]));
    expect(readiness).toMatchObject({ ready: false, revision: null, database: "unreachable" });
    expect(readiness.reason).toMatch(/database is unreachable/);
  });

  it("is not ready without workers", () => {
    expect(toReadiness("n1", new Map())).toMatchObject({ ready: false, reason: "no worker is running" });
  });

  it("names the last-good source and the newest refused revision", () => {
    const refused = { ...serving(2), refused: { revision: 5, reasons: ["routes[0].poolId: no pool"] } };
    const readiness = toReadiness("n1", new Map([[1, serving(2, "last-good")], [2, refused]]));
    expect(readiness).toMatchObject({ ready: true, source: "last-good", refused: { revision: 5 } });
  });
});
