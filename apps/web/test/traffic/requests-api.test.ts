import type { RequestSampleList, RequestSampleRow } from "@concierge/config/traffic";
import { writeRequestSamples } from "@concierge/db/repositories/request-samples";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createPool, createRoute } from "../../../../packages/db/test-support/config-fixtures.ts";
import {
  callApi,
  createUserWithToken,
  startTestApi,
  type TestApi,
} from "../support/in-process-api.ts";

let api: TestApi;
let viewer: string;
let route: { id: string; name: string };
let pool: { id: string; name: string; targetId: string; targetUrl: string };

const T0 = new Date("2026-03-01T10:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function sample(fields: Partial<RequestSampleRow>): RequestSampleRow {
  return {
    at: T0,
    nodeId: "node-a",
    worker: 1,
    routeId: route.id,
    poolId: pool.id,
    targetId: pool.targetId,
    method: "GET",
    host: "shop.test",
    path: "/",
    status: 502,
    cause: "connect_failed",
    cacheStatus: "none",
    slow: false,
    totalMs: 2,
    upstreamMs: 0,
    attempts: 1,
    requestId: "r",
    ...fields,
  };
}

beforeAll(async () => {
  api = await startTestApi();
  ({ token: viewer } = await createUserWithToken(api.database, "viewer"));
  const created = await api.database.db.$transaction(async (tx) => {
    const createdPool = await createPool(tx, "shop", ["http://127.0.0.1:9001"]);
    const target = await tx.target.findFirstOrThrow({ where: { poolId: createdPool.id } });
    const createdRoute = await createRoute(tx, { name: "storefront", poolId: createdPool.id });
    return { createdPool, target, createdRoute };
  });
  route = { id: created.createdRoute.id, name: created.createdRoute.name };
  pool = { id: created.createdPool.id, name: created.createdPool.name, targetId: created.target.id, targetUrl: created.target.url };

  await writeRequestSamples(
    api.database.db,
    "node-a",
    [
      sample({ at: at(1), path: "/cart", requestId: "failed-1" }),
      sample({ at: at(2), path: "/search", status: 200, cause: null, slow: true, totalMs: 1_800, upstreamMs: 1_790, cacheStatus: "miss", requestId: "slow-1" }),
      sample({ at: at(3), path: "/gone", routeId: "deleted-route", targetId: "", poolId: "", status: 503, cause: "no_healthy_target", requestId: "failed-2" }),
    ],
    { kept: 100, maxAgeMs: 1_000 * 86_400_000 },
  );
});

afterAll(async () => {
  await api?.close();
});

async function samples(query: string): Promise<RequestSampleList["samples"]> {
  const response = await callApi("GET", `/api/v1/traffic/requests?${query}`, { token: viewer });
  expect(response.status).toBe(200);
  return ((await response.json()) as RequestSampleList).samples;
}

describe("GET /api/v1/traffic/requests", () => {
  it("answers samples newest first with their route's name and target's URL", async () => {
    const all = await samples("");
    expect(all.map((entry) => entry.requestId)).toEqual(["failed-2", "slow-1", "failed-1"]);
    expect(all[2]).toEqual({
      at: at(1).toISOString(),
      nodeId: "node-a",
      worker: 1,
      routeId: route.id,
      routeName: "storefront",
      poolId: pool.id,
      poolName: "shop",
      targetId: pool.targetId,
      targetUrl: pool.targetUrl,
      method: "GET",
      host: "shop.test",
      path: "/cart",
      status: 502,
      cause: "connect_failed",
      cacheStatus: "none",
      slow: false,
      totalMs: 2,
      upstreamMs: 0,
      attempts: 1,
      requestId: "failed-1",
    });
    // A deleted route has no name any more; the sample keeps its id.
    expect(all[0]).toMatchObject({ routeId: "deleted-route", routeName: null, targetUrl: null, cause: "no_healthy_target" });
  });

  it("filters by kind, route, time and count", async () => {
    expect((await samples("kind=slow")).map((entry) => entry.requestId)).toEqual(["slow-1"]);
    expect((await samples("kind=failed")).map((entry) => entry.requestId)).toEqual(["failed-2", "failed-1"]);
    expect((await samples(`routeId=${route.id}&kind=failed`)).map((entry) => entry.requestId)).toEqual(["failed-1"]);
    expect((await samples(`targetId=${pool.targetId}`)).map((entry) => entry.requestId)).toEqual(["slow-1", "failed-1"]);
    const range = `from=${at(2).toISOString()}&to=${at(3).toISOString()}`;
    expect((await samples(range)).map((entry) => entry.requestId)).toEqual(["slow-1"]);
    expect((await samples("limit=1")).map((entry) => entry.requestId)).toEqual(["failed-2"]);
    expect(await samples("nodeId=node-b")).toEqual([]);
  });

  it("refuses a bad query with a problem that names the parameter, and anonymous callers", async () => {
    const bad = await callApi("GET", "/api/v1/traffic/requests?kind=fast&limit=5000", { token: viewer });
    expect(bad.status).toBe(422);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await bad.json()) as { errors?: Array<{ path: string; message: string }> };
    expect((problem.errors ?? []).map((error) => error.path).toSorted()).toEqual(["kind", "limit"]);

    const backwards = await callApi("GET", `/api/v1/traffic/requests?from=${at(3).toISOString()}&to=${at(1).toISOString()}`, { token: viewer });
    expect(backwards.status).toBe(422);

    expect((await callApi("GET", "/api/v1/traffic/requests")).status).toBe(401);
  });
});
