import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { POST as createPoolHandler } from "../../src/app/api/v1/pools/route.ts";
import { CLIENT_ADDRESS_HEADER, CLIENT_HTTPS_HEADER } from "../../src/auth/client-info.ts";
import {
  PUBLIC_URL,
  type TestApi,
  callApi,
  createUserWithToken,
  startTestApi,
} from "../support/in-process-api.ts";

let api: TestApi;
let editor: Awaited<ReturnType<typeof createUserWithToken>>;
let poolId: string;

beforeAll(async () => {
  api = await startTestApi();
  editor = await createUserWithToken(api.database, "editor");
  const created = await callApi("POST", "/api/v1/pools", {
    token: editor.token,
    body: { name: "existing", targets: [{ url: "http://127.0.0.1:9001" }] },
  });
  expect(created.status).toBe(201);
  poolId = ((await created.json()) as { id: string }).id;
  const route = await callApi("POST", "/api/v1/routes", {
    token: editor.token,
    body: { name: "existing", hosts: ["shop.example"], pathPrefix: "/shop", poolId },
  });
  expect(route.status).toBe(201);
});

afterAll(async () => {
  await api.close();
});

async function latestRevision(): Promise<number> {
  const latest = await api.database.db.configRevision.aggregate({ _max: { number: true } });
  return latest._max.number ?? 0;
}

interface Problem {
  status: number;
  code: string;
  errors?: { path: string; message: string }[];
}

const pool = (overrides: object) => ({
  name: "p",
  targets: [{ url: "http://127.0.0.1:9002" }],
  ...overrides,
});
const route = (overrides: object) => ({
  name: "r",
  hosts: ["new.example"],
  poolId: "",
  ...overrides,
});

describe("invalid configuration through the API", () => {
  const cases: [family: string, path: string, body: () => object, field: string | RegExp][] = [
    [
      "a target URL with credentials",
      "/api/v1/pools",
      () => pool({ targets: [{ url: "http://user:secret@127.0.0.1:1" }] }),
      "targets[0].url",
    ],
    [
      "an ftp target",
      "/api/v1/pools",
      () => pool({ targets: [{ url: "ftp://127.0.0.1/" }] }),
      "targets[0].url",
    ],
    [
      "a target URL with a query",
      "/api/v1/pools",
      () => pool({ targets: [{ url: "http://127.0.0.1:1/?a=b" }] }),
      "targets[0].url",
    ],
    [
      "a negative timeout",
      "/api/v1/pools",
      () => pool({ timeouts: { connectMs: -1 } }),
      "timeouts.connectMs",
    ],
    ["a pool without targets", "/api/v1/pools", () => pool({ targets: [] }), "targets"],
    [
      "two targets with one URL",
      "/api/v1/pools",
      () => pool({ targets: [{ url: "http://127.0.0.1:1" }, { url: "http://127.0.0.1:1/" }] }),
      "targets[1].url",
    ],
    [
      "an unknown nested key",
      "/api/v1/pools",
      () => pool({ healthCheck: { intervalMs: 1000, colour: "red" } }),
      "healthCheck",
    ],
    [
      "a weight of the wrong type",
      "/api/v1/pools",
      () => pool({ targets: [{ url: "http://127.0.0.1:1", weight: "heavy" }] }),
      "targets[0].weight",
    ],
    ["an unknown algorithm", "/api/v1/pools", () => pool({ algorithm: "random" }), "algorithm"],
    ["a name of the wrong type", "/api/v1/pools", () => pool({ name: 42 }), "name"],
    [
      "a route duplicating host and prefix",
      "/api/v1/routes",
      () => route({ hosts: ["shop.example"], pathPrefix: "/shop", poolId }),
      /^routes\[\d+\]$/,
    ],
    [
      "a host that is not a host name",
      "/api/v1/routes",
      () => route({ hosts: ["shop example"], poolId }),
      "hosts[0]",
    ],
    [
      "a path prefix climbing out",
      "/api/v1/routes",
      () => route({ pathPrefix: "/a/../b", poolId }),
      "pathPrefix",
    ],
    [
      "a negative body limit",
      "/api/v1/routes",
      () => route({ maxBodyBytes: -1, poolId }),
      "maxBodyBytes",
    ],
    [
      "a method the proxy does not route",
      "/api/v1/routes",
      () => route({ methods: ["CONNECT"], poolId }),
      "methods[0]",
    ],
    ["a pool id that is no id", "/api/v1/routes", () => route({ poolId: "shop" }), "poolId"],
    [
      "a pool that does not exist",
      "/api/v1/routes",
      () => route({ poolId: "00000000-0000-4000-8000-000000000000" }),
      /poolId$/,
    ],
    [
      "a header rule value with a line break",
      "/api/v1/routes",
      () => route({ poolId, requestHeaders: { set: { "x-a": "b\r\nx-injected: 1" } } }),
      /^requestHeaders\.set\./,
    ],
  ];

  it.each(cases)(
    "refuses %s with 422 naming the field, writing nothing",
    async (_family, path, body, field) => {
      const before = await latestRevision();
      const response = await callApi("POST", path, { token: editor.token, body: body() });
      expect(response.status).toBe(422);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const problem = (await response.json()) as Problem;
      const paths = (problem.errors ?? []).map((error) => error.path);
      if (typeof field === "string") expect(paths).toContain(field);
      else
        expect(
          paths.some((candidate) => field.test(candidate)),
          paths.join(", "),
        ).toBe(true);
      expect(await latestRevision()).toBe(before);
    },
  );

  it("names an unknown top-level key in the message", async () => {
    const response = await callApi("POST", "/api/v1/pools", {
      token: editor.token,
      body: pool({ colour: "red" }),
    });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as Problem;
    expect(problem.errors?.some((error) => error.message.includes("colour"))).toBe(true);
  });
});

const TWO_MIB = 2 * 1024 * 1024;

function oversizedJson(): string {
  return JSON.stringify({
    name: "big",
    targets: [{ url: "http://127.0.0.1:1" }],
    padding: "x".repeat(TWO_MIB),
  });
}

/** A 2 MiB body that counts how much of it the server pulled. */
function countingBody(total: number): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) {
        controller.close();
        return;
      }
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, pulled: () => pulled };
}

function apiRequest(headers: Record<string, string>, body: ReadableStream<Uint8Array>): Request {
  return new Request(new URL("/api/v1/pools", PUBLIC_URL), {
    method: "POST",
    headers: {
      authorization: `Bearer ${editor.token}`,
      "content-type": "application/json",
      [CLIENT_ADDRESS_HEADER]: "127.0.0.1",
      [CLIENT_HTTPS_HEADER]: "0",
      ...headers,
    },
    body,
    duplex: "half",
  } as RequestInit);
}

describe("oversized and malformed bodies", () => {
  it("answers a 2 MiB JSON body with 413 problem+json", async () => {
    const before = await latestRevision();
    const response = await callApi("POST", "/api/v1/pools", {
      token: editor.token,
      rawBody: oversizedJson(),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(((await response.json()) as Problem).code).toBe("payload-too-large");
    expect(await latestRevision()).toBe(before);
  });

  it("refuses a declared Content-Length over the limit without reading the body", async () => {
    const body = countingBody(TWO_MIB);
    const response = await createPoolHandler(
      apiRequest({ "content-length": String(TWO_MIB) }, body.stream),
      {
        params: Promise.resolve({}),
      },
    );
    expect(response.status).toBe(413);
    // A stream may pre-fill one chunk when it is created; the handler itself pulls nothing more.
    expect(body.pulled()).toBeLessThanOrEqual(64 * 1024);
  });

  it("stops reading a body without Content-Length once it passes the limit", async () => {
    const body = countingBody(TWO_MIB);
    const response = await createPoolHandler(apiRequest({}, body.stream), {
      params: Promise.resolve({}),
    });
    expect(response.status).toBe(413);
    expect(body.pulled()).toBeLessThan(TWO_MIB);
    expect(body.pulled()).toBeLessThanOrEqual(1024 * 1024 + 2 * 64 * 1024);
  });

  it("refuses an oversized anonymous sign-in body the same way", async () => {
    const response = await callApi("POST", "/api/v1/session", {
      rawBody: JSON.stringify({ email: "a@example.test", password: "x".repeat(TWO_MIB) }),
    });
    expect(response.status).toBe(413);
  });

  it("answers malformed JSON with 400 problem+json, signed in or not", async () => {
    for (const [path, token] of [
      ["/api/v1/pools", editor.token],
      ["/api/v1/session", undefined],
    ] as const) {
      const response = await callApi("POST", path, {
        ...(token ? { token } : {}),
        rawBody: '{"name": "p",',
      });
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(((await response.json()) as Problem).code).toBe("malformed-json");
    }
  });
});
