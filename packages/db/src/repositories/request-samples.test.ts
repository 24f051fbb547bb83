import type { RequestSampleRow } from "@concierge/config/traffic";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "../../test-support/fresh-database.ts";
import { queryRequestSamples, writeRequestSamples } from "./request-samples.ts";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

const NOW = new Date("2026-06-01T12:00:00Z");
const DAY_MS = 86_400_000;

function sample(secondsAgo: number, fields: Partial<RequestSampleRow> = {}): RequestSampleRow {
  return {
    at: new Date(NOW.getTime() - secondsAgo * 1000),
    nodeId: "n1",
    worker: 1,
    routeId: "r1",
    poolId: "p1",
    targetId: "t1",
    method: "GET",
    host: "shop.test",
    path: `/item/${secondsAgo}`,
    status: 502,
    cause: "connect_failed",
    cacheStatus: "none",
    slow: false,
    totalMs: 3,
    upstreamMs: 0,
    attempts: 1,
    requestId: `req-${secondsAgo}`,
    ...fields,
  };
}

describe("request samples", () => {
  it("keeps the newest samples of each node within the count and age bounds, in one write", async () => {
    const bounds = { kept: 5, maxAgeMs: DAY_MS };
    await writeRequestSamples(database.db, "other", [sample(1, { nodeId: "other" })], bounds, NOW);
    const old = sample(2 * 86_400);
    const fresh = Array.from({ length: 8 }, (_, index) => sample(index + 1));
    await writeRequestSamples(database.db, "n1", [old, ...fresh], bounds, NOW);

    const kept = await queryRequestSamples(database.db, { nodeId: "n1", limit: 100 });
    expect(kept.map((row) => row.path)).toEqual(["/item/1", "/item/2", "/item/3", "/item/4", "/item/5"]);
    // Another node's samples are its own business.
    expect(await queryRequestSamples(database.db, { nodeId: "other", limit: 100 })).toHaveLength(1);
  });

  it("filters by kind, route, target and time, newest first", async () => {
    const bounds = { kept: 100, maxAgeMs: DAY_MS };
    await writeRequestSamples(
      database.db,
      "n2",
      [
        sample(30, { nodeId: "n2", routeId: "ra", slow: true, cause: null, status: 200, totalMs: 1500 }),
        sample(20, { nodeId: "n2", routeId: "ra", slow: true, cause: "timeout", status: 504, totalMs: 30_000 }),
        sample(10, { nodeId: "n2", routeId: "rb", targetId: "tb" }),
      ],
      bounds,
      NOW,
    );
    const paths = async (filter: Parameters<typeof queryRequestSamples>[1]) =>
      (await queryRequestSamples(database.db, { nodeId: "n2", ...filter })).map((row) => row.path);

    expect(await paths({ limit: 10 })).toEqual(["/item/10", "/item/20", "/item/30"]);
    expect(await paths({ kind: "slow", limit: 10 })).toEqual(["/item/20", "/item/30"]);
    expect(await paths({ kind: "failed", limit: 10 })).toEqual(["/item/10", "/item/20"]);
    expect(await paths({ routeId: "ra", kind: "failed", limit: 10 })).toEqual(["/item/20"]);
    expect(await paths({ targetId: "tb", limit: 10 })).toEqual(["/item/10"]);
    expect(await paths({ from: new Date(NOW.getTime() - 25_000), to: NOW, limit: 10 })).toEqual(["/item/10", "/item/20"]);
    expect(await paths({ limit: 1 })).toEqual(["/item/10"]);

    const [timeout] = await queryRequestSamples(database.db, { nodeId: "n2", kind: "slow", limit: 1 });
    expect(timeout).toMatchObject({ cause: "timeout", status: 504, totalMs: 30_000, slow: true, worker: 1 });
  });
});
