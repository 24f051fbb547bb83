import { LATENCY_BUCKET_COUNT } from "@concierge/config/realtime";
import type { NodeList } from "@concierge/config/traffic";
import type { TrafficResponse } from "@concierge/config/traffic";
import { upsertNodeHeartbeat } from "@concierge/db/repositories/nodes";
import { writeRollups, type RollupRow } from "@concierge/db/repositories/rollups";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  callApi,
  createUserWithToken,
  startTestApi,
  type TestApi,
} from "../support/in-process-api.ts";

let api: TestApi;
let viewer: string;

const T0 = new Date("2026-03-01T10:00:00Z");
const minute = (n: number) => new Date(T0.getTime() + n * 60_000);
const buckets = (entries: Record<number, number>) =>
  Array.from({ length: LATENCY_BUCKET_COUNT }, (_, index) => entries[index] ?? 0);

function row(fields: Partial<RollupRow>): RollupRow {
  return {
    bucketStart: T0,
    bucketSeconds: 60,
    nodeId: "node-a",
    routeId: "route-a",
    poolId: "pool-a",
    targetId: "target-a",
    statusClass: "2xx",
    cacheStatus: "miss",
    requests: 0,
    errors: 0,
    errorCauses: [],
    bytesIn: 0,
    bytesOut: 0,
    latencySumMs: 0,
    latencyBuckets: buckets({}),
    upstreamBuckets: buckets({}),
    ...fields,
  };
}

beforeAll(async () => {
  api = await startTestApi();
  ({ token: viewer } = await createUserWithToken(api.database, "viewer"));
  await writeRollups(api.database.db, [
    // route-a: minute 0 on two nodes, minute 1 on one; latency in buckets 2 (≤1 ms) and 6 (≤16 ms).
    row({ requests: 60, bytesOut: 600, latencyBuckets: buckets({ 2: 60 }) }),
    row({ nodeId: "node-b", requests: 40, bytesOut: 400, latencyBuckets: buckets({ 6: 40 }) }),
    row({
      bucketStart: minute(1),
      statusClass: "5xx",
      requests: 5,
      errors: 5,
      // Indexed as ERROR_CAUSES: 3 origin 5xx, 2 connect failures.
      errorCauses: [3, 2],
      latencyBuckets: buckets({ 6: 5 }),
    }),
    row({
      bucketStart: minute(1),
      targetId: "",
      cacheStatus: "hit",
      requests: 10,
      bytesOut: 1_000,
      latencyBuckets: buckets({ 0: 10 }),
    }),
    // route-b on another pool, minute 3.
    row({
      bucketStart: minute(3),
      routeId: "route-b",
      poolId: "pool-b",
      requests: 7,
      latencyBuckets: buckets({ 4: 7 }),
    }),
    // Outside the range asked for.
    row({ bucketStart: minute(30), requests: 1_000, latencyBuckets: buckets({ 1: 1_000 }) }),
  ]);
});

afterAll(async () => {
  await api?.close();
});

async function traffic(query: string): Promise<TrafficResponse> {
  const response = await callApi("GET", `/api/v1/traffic?${query}`, { token: viewer });
  expect(response.status).toBe(200);
  return (await response.json()) as TrafficResponse;
}

const range = `from=${T0.toISOString()}&to=${minute(5).toISOString()}`;

describe("GET /api/v1/traffic", () => {
  it("groups by route with one point per step, zeros in gaps, percentiles from merged histograms", async () => {
    const answer = await traffic(`${range}&step=1m&groupBy=route`);
    expect(answer.stepSeconds).toBe(60);
    expect(answer.series.map((series) => series.key)).toEqual(["route-a", "route-b"]);
    const [routeA, routeB] = answer.series;
    expect(routeA?.points.map((point) => point.requests)).toEqual([100, 15, 0, 0, 0]);
    expect(routeB?.points.map((point) => point.requests)).toEqual([0, 0, 0, 7, 0]);

    const first = routeA?.points[0];
    expect(first).toMatchObject({
      t: T0.toISOString(),
      errors: 0,
      errorCauses: {},
      bytesOut: 1_000,
      cacheMisses: 100,
      cacheHits: 0,
    });
    // 60 in (0.5, 1] ms and 40 in (8, 16] ms: the median is in the first bucket, p95 and p99 in the second.
    expect(first?.p50Ms).toBeGreaterThan(0.5);
    expect(first?.p50Ms).toBeLessThanOrEqual(1);
    expect(first?.p95Ms).toBeGreaterThan(8);
    expect(first?.p99Ms).toBeLessThanOrEqual(16);

    expect(routeA?.points[1]).toMatchObject({
      requests: 15,
      errors: 5,
      errorCauses: { origin_5xx: 3, connect_failed: 2 },
      cacheHits: 10,
      bytesSaved: 1_000,
    });
  });

  it("groups by status class, node and cache status, and filters by route and node", async () => {
    const byStatus = await traffic(`${range}&step=5m&groupBy=status`);
    expect(
      byStatus.series.map((series) => [series.key, series.points.map((point) => point.requests)]),
    ).toEqual([
      ["2xx", [117]],
      ["5xx", [5]],
    ]);
    const byNode = await traffic(`${range}&step=5m&groupBy=node&routeId=route-a`);
    expect(byNode.series.map((series) => [series.key, series.points[0]?.requests])).toEqual([
      ["node-a", 75],
      ["node-b", 40],
    ]);
    const byCache = await traffic(`${range}&step=5m&groupBy=cache&nodeId=node-a`);
    expect(byCache.series.map((series) => [series.key, series.points[0]?.requests])).toEqual([
      ["miss", 72],
      ["hit", 10],
    ]);
  });

  it("chooses a step from the range when none is given", async () => {
    const day = await traffic(
      `from=${T0.toISOString()}&to=${new Date(T0.getTime() + 86_400_000).toISOString()}`,
    );
    expect(day.stepSeconds).toBe(900);
    expect(day.groupBy).toBe("route");
    expect(day.series[0]?.points).toHaveLength(96);
  });

  it("refuses a bad range and anonymous callers", async () => {
    const reversed = await callApi(
      "GET",
      `/api/v1/traffic?from=${minute(5).toISOString()}&to=${T0.toISOString()}`,
      { token: viewer },
    );
    expect(reversed.status).toBe(422);
    const badGroup = await callApi("GET", `/api/v1/traffic?${range}&groupBy=colour`, {
      token: viewer,
    });
    expect(badGroup.status).toBe(422);
    const anonymous = await callApi("GET", `/api/v1/traffic?${range}`);
    expect(anonymous.status).toBe(401);
  });
});

describe("GET /api/v1/nodes", () => {
  it("lists nodes as up or down by heartbeat age, with version, revision and last error", async () => {
    const base = {
      host: "edge-1",
      version: "1.2.3",
      workers: 2,
      startedAt: new Date(),
      revisionApplied: 4,
      lastError: null,
    };
    await upsertNodeHeartbeat(api.database.db, { id: "node-a", ...base });
    await upsertNodeHeartbeat(api.database.db, {
      id: "node-b",
      ...base,
      revisionApplied: 3,
      lastError: "revision 4 refused: bad",
    });
    await api.database.db.proxyNode.update({
      where: { id: "node-b" },
      data: { lastHeartbeatAt: new Date(Date.now() - 5 * 60_000) },
    });

    const response = await callApi("GET", "/api/v1/nodes", { token: viewer });
    expect(response.status).toBe(200);
    const { nodes } = (await response.json()) as NodeList;
    expect(
      nodes.map((node) => [node.id, node.status, node.revisionApplied, node.lastError]),
    ).toEqual([
      ["node-a", "up", 4, null],
      ["node-b", "down", 3, "revision 4 refused: bad"],
    ]);
    expect(nodes[0]).toMatchObject({ version: "1.2.3", workers: 2, host: "edge-1", live: false });
    expect(nodes[1]?.heartbeatAgeMs).toBeGreaterThanOrEqual(5 * 60_000);

    expect((await callApi("GET", "/api/v1/nodes")).status).toBe(401);
  });
});
