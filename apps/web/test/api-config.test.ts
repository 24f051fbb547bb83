import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  type TestApi,
  callApi,
  createUserWithToken,
  samplePool,
  signInCookie,
  startTestApi,
} from "./support/in-process-api.ts";

let api: TestApi;
let editor: Awaited<ReturnType<typeof createUserWithToken>>;

beforeAll(async () => {
  api = await startTestApi();
  editor = await createUserWithToken(api.database, "editor");
});

afterAll(async () => {
  await api.close();
});

interface PoolBody {
  id: string;
  name: string;
  revision: number;
  targets: { id: string; url: string; weight: number }[];
}
interface RouteBody {
  id: string;
  revision: number;
  methods: string[] | null;
  pathPrefix: string;
  cache: { enabled: boolean; defaultTtlSeconds?: number };
}
interface Problem {
  status: number;
  title: string;
  type: string;
  errors?: { path: string; message: string }[];
}

async function createPool(name: string, urls?: string[]): Promise<PoolBody> {
  const response = await callApi("POST", "/api/v1/pools", {
    token: editor.token,
    body: samplePool(name, urls),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as PoolBody;
}

describe("pools and routes", () => {
  it("creates a pool and a route with a token; each answer carries the object, its id and the new revision", async () => {
    const pool = await createPool("web", ["http://127.0.0.1:9001", "http://127.0.0.1:9002"]);
    expect(pool.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(pool.targets.map((target) => target.url)).toEqual([
      "http://127.0.0.1:9001",
      "http://127.0.0.1:9002",
    ]);
    expect(pool.revision).toBeGreaterThanOrEqual(1);

    const created = await callApi("POST", "/api/v1/routes", {
      token: editor.token,
      body: {
        name: "shop",
        hosts: ["shop.example.com"],
        pathPrefix: "/api",
        poolId: pool.id,
        cache: { enabled: true },
      },
    });
    expect(created.status).toBe(201);
    const route = (await created.json()) as RouteBody;
    expect(route).toMatchObject({ pathPrefix: "/api", methods: null, cache: { enabled: true } });
    expect(route.revision).toBe(pool.revision + 1);

    const fetched = (await (
      await callApi("GET", `/api/v1/routes/${route.id}`, { token: editor.token })
    ).json()) as RouteBody;
    expect(fetched).toMatchObject({ id: route.id, pathPrefix: "/api" });
    expect("revision" in fetched).toBe(false);
  });

  it("answers invalid input with problem+json naming the field", async () => {
    const badPool = await callApi("POST", "/api/v1/pools", {
      token: editor.token,
      body: { name: "bad", targets: [{ url: "ftp://nowhere" }] },
    });
    expect(badPool.status).toBe(422);
    expect(badPool.headers.get("content-type")).toBe("application/problem+json");
    const poolProblem = (await badPool.json()) as Problem;
    expect(poolProblem).toMatchObject({
      status: 422,
      type: expect.stringContaining("invalid-input") as string,
    });
    expect(poolProblem.errors?.map((error) => error.path)).toContain("targets[0].url");

    const badRoute = await callApi("POST", "/api/v1/routes", {
      token: editor.token,
      body: {
        name: "bad",
        hosts: ["*"],
        pathPrefix: "api",
        poolId: "00000000-0000-4000-8000-000000000000",
      },
    });
    const routeProblem = (await badRoute.json()) as Problem;
    expect(routeProblem.errors?.map((error) => error.path)).toContain("pathPrefix");

    const malformed = await callApi("POST", "/api/v1/pools", {
      token: editor.token,
      rawBody: "{not json",
    });
    expect(malformed.status).toBe(400);
  });

  it("refuses a route for a pool that does not exist, naming poolId", async () => {
    const response = await callApi("POST", "/api/v1/routes", {
      token: editor.token,
      body: {
        name: "orphan",
        hosts: ["*"],
        pathPrefix: "/orphan",
        poolId: "00000000-0000-4000-8000-000000000000",
      },
    });
    expect(response.status).toBe(422);
    expect(((await response.json()) as Problem).errors?.[0]?.path).toBe("poolId");
  });

  it("merges a JSON merge patch into the pool, keeping the identity of unchanged targets", async () => {
    const pool = await createPool("patched", ["http://127.0.0.1:9011", "http://127.0.0.1:9012"]);
    const [first] = pool.targets;
    const response = await callApi("PATCH", `/api/v1/pools/${pool.id}`, {
      token: editor.token,
      contentType: "application/merge-patch+json",
      body: {
        healthCheck: { path: "/healthz" },
        targets: [{ url: "http://127.0.0.1:9011", weight: 5 }, { url: "http://127.0.0.1:9013" }],
      },
    });
    expect(response.status).toBe(200);
    const patched = (await response.json()) as PoolBody & {
      healthCheck: { path: string; intervalMs: number };
    };
    expect(patched.revision).toBeGreaterThan(pool.revision);
    expect(patched.healthCheck).toMatchObject({ path: "/healthz", intervalMs: 5000 });
    expect(patched.name).toBe("patched");
    expect(patched.targets[0]).toMatchObject({ id: first?.id, weight: 5 });
    expect(patched.targets.map((target) => target.url)).toEqual([
      "http://127.0.0.1:9011",
      "http://127.0.0.1:9013",
    ]);
  });

  it("validates a merge patch's result as a whole", async () => {
    const pool = await createPool("strict");
    const response = await callApi("PATCH", `/api/v1/pools/${pool.id}`, {
      token: editor.token,
      body: { targets: [{ url: "not a url" }] },
    });
    expect(response.status).toBe(422);
    expect(((await response.json()) as Problem).errors?.map((error) => error.path)).toContain(
      "targets[0].url",
    );
  });

  it("patches a route: null removes a key (back to its default), objects merge", async () => {
    const pool = await createPool("route-patch");
    const route = (await (
      await callApi("POST", "/api/v1/routes", {
        token: editor.token,
        body: {
          name: "m",
          hosts: ["m.example.com"],
          methods: ["GET"],
          poolId: pool.id,
          cache: { enabled: true, defaultTtlSeconds: 60 },
        },
      })
    ).json()) as RouteBody;
    expect(route.methods).toEqual(["GET"]);
    const patched = (await (
      await callApi("PATCH", `/api/v1/routes/${route.id}`, {
        token: editor.token,
        body: { methods: null, cache: { defaultTtlSeconds: null } },
      })
    ).json()) as RouteBody;
    expect(patched.methods).toBeNull();
    expect(patched.cache.enabled).toBe(true);
    expect(patched.cache.defaultTtlSeconds).toBeUndefined();
  });

  it("refuses to delete a pool in use, naming the routes", async () => {
    const pool = await createPool("in-use");
    await callApi("POST", "/api/v1/routes", {
      token: editor.token,
      body: { name: "uses-it", hosts: ["use.example.com"], poolId: pool.id },
    });
    const response = await callApi("DELETE", `/api/v1/pools/${pool.id}`, { token: editor.token });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { detail: string }).detail).toContain('"uses-it"');
    const unused = await createPool("unused");
    const deleted = await callApi("DELETE", `/api/v1/pools/${unused.id}`, { token: editor.token });
    expect(deleted.status).toBe(200);
    expect(((await deleted.json()) as { revision: number }).revision).toBeGreaterThan(
      unused.revision,
    );
    expect(
      (await callApi("GET", `/api/v1/pools/${unused.id}`, { token: editor.token })).status,
    ).toBe(404);
  });

  it("refuses a route that duplicates another with 422", async () => {
    const pool = await createPool("dupes");
    const body = { name: "one", hosts: ["dup.example.com"], pathPrefix: "/x", poolId: pool.id };
    expect((await callApi("POST", "/api/v1/routes", { token: editor.token, body })).status).toBe(
      201,
    );
    const duplicate = await callApi("POST", "/api/v1/routes", {
      token: editor.token,
      body: { ...body, name: "two" },
    });
    expect(duplicate.status).toBe(422);
    expect(((await duplicate.json()) as Problem).title).toBe("The configuration would be invalid");
  });

  it("accepts a cookie-authenticated write from the dashboard's origin", async () => {
    const cookie = await signInCookie(editor.email, editor.password);
    const response = await callApi("POST", "/api/v1/pools", {
      cookie,
      body: samplePool("from-dashboard"),
    });
    expect(response.status).toBe(201);
  });
});

describe("revisions", () => {
  it("lists revisions and rolls back to an earlier one as a new revision", async () => {
    const pool = await createPool("rollback-me", ["http://127.0.0.1:9201"]);
    const patched = (await (
      await callApi("PATCH", `/api/v1/pools/${pool.id}`, {
        token: editor.token,
        body: { name: "renamed" },
      })
    ).json()) as PoolBody;
    expect(patched.name).toBe("renamed");

    const revisions = (await (
      await callApi("GET", "/api/v1/revisions?limit=5", { token: editor.token })
    ).json()) as { number: number }[];
    expect(revisions[0]?.number).toBe(patched.revision);

    const detail = await callApi("GET", `/api/v1/revisions/${pool.revision}`, {
      token: editor.token,
    });
    expect(detail.status).toBe(200);

    const rolledBack = await callApi("POST", `/api/v1/revisions/${pool.revision}/rollback`, {
      token: editor.token,
    });
    expect(rolledBack.status).toBe(200);
    const { revision } = (await rolledBack.json()) as { revision: number };
    expect(revision).toBe(patched.revision + 1);
    const restored = (await (
      await callApi("GET", `/api/v1/pools/${pool.id}`, { token: editor.token })
    ).json()) as PoolBody;
    expect(restored.name).toBe("rollback-me");

    expect(
      (await callApi("POST", "/api/v1/revisions/999999/rollback", { token: editor.token })).status,
    ).toBe(404);
  });

  it("records every config write in the audit log", async () => {
    const response = await callApi("GET", "/api/v1/audit?limit=200", { token: editor.token });
    expect(response.status).toBe(200);
    const entries = (await response.json()) as { action: string }[];
    expect(entries.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(["pool.create", "route.create", "config.rollback"]),
    );
  });
});
