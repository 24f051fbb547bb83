import { Readable } from "node:stream";

import { afterEach, describe, expect, it } from "vitest";

import { ProxyError } from "../../src/errors.ts";
import { forwardRequest, type ForwardRequest } from "../../src/upstream/forward.ts";
import { createUpstreams, type Upstreams } from "../../src/upstream/upstreams.ts";
import { poolOf, silentLog, waitFor } from "./support/pools.ts";
import { deadUrl, startOrigin, type TestOrigin } from "./support/start-origin.ts";

/** The slow origin's answer time: far above any scheduling hiccup of a busy test machine. */
const SLOW_ORIGIN_MS = 150;

const upstreamsInTest: Upstreams[] = [];
const originsInTest: TestOrigin[] = [];

afterEach(async () => {
  await Promise.all(upstreamsInTest.splice(0).map((upstreams) => upstreams.close()));
  await Promise.all(originsInTest.splice(0).map((origin) => origin.kill()));
});

function newUpstreams(): Upstreams {
  const upstreams = createUpstreams({ log: silentLog });
  upstreamsInTest.push(upstreams);
  return upstreams;
}

async function origins(count: number, handle?: Parameters<typeof startOrigin>[0]): Promise<TestOrigin[]> {
  const started = await Promise.all(Array.from({ length: count }, () => startOrigin(handle)));
  originsInTest.push(...started);
  return started;
}

function get(path = "/", extra: Partial<ForwardRequest> = {}): ForwardRequest {
  return { method: "GET", path, headers: { host: "shop.example" }, body: null, clientIp: "10.0.0.1", ...extra };
}

async function send(pool: Parameters<typeof forwardRequest>[0], request: ForwardRequest) {
  const result = await forwardRequest(pool, request);
  const chunks: Buffer[] = [];
  for await (const chunk of result.body) chunks.push(chunk as Buffer);
  return { ...result, text: Buffer.concat(chunks).toString() };
}

async function rejection(promise: Promise<unknown>): Promise<ProxyError> {
  const error = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(ProxyError);
  return error as ProxyError;
}

function compileOne(upstreams: Upstreams, pool: ReturnType<typeof poolOf>) {
  const compiled = upstreams.compile([pool]).get(pool.id);
  if (!compiled) throw new Error("pool not compiled");
  return compiled;
}

const echoOrigin = (name: string): Parameters<typeof startOrigin>[0] => (_req, res) => res.end(name);

describe("forwardRequest: balancing across real origins", () => {
  it("round robin sends each origin an equal share", async () => {
    const three = await origins(3);
    const pool = compileOne(newUpstreams(), poolOf(three.map((origin) => origin.url)));
    for (let request = 0; request < 300; request++) await send(pool, get());
    expect(three.map((origin) => origin.received.length)).toEqual([100, 100, 100]);
  });

  it.each(["weighted_round_robin", "least_connections"] as const)("%s follows the weights", async (algorithm) => {
    const three = await origins(3);
    const pool = compileOne(
      newUpstreams(),
      poolOf(three.map((origin, index) => ({ url: origin.url, weight: index + 1 })), { algorithm }),
    );
    for (let request = 0; request < 600; request++) await send(pool, get());
    expect(three.map((origin) => origin.received.length)).toEqual([100, 200, 300]);
  });

  it("two choices steers away from a slow origin", async () => {
    const fast = await origins(2);
    const [slow] = await origins(1, (_req, res) => setTimeout(() => res.end("slow"), SLOW_ORIGIN_MS));
    const pool = compileOne(
      newUpstreams(),
      poolOf([...fast, slow!].map((origin) => origin.url), { algorithm: "two_choices" }),
    );
    for (let request = 0; request < 150; request++) await send(pool, get());
    expect(slow?.received.length).toBeLessThan(10);
    for (const origin of fast) expect(origin.received.length).toBeGreaterThan(40);
  });

  it("consistent hash keeps a client on one origin and spreads clients", async () => {
    const three = await Promise.all(["a", "b", "c"].map((name) => startOrigin(echoOrigin(name))));
    originsInTest.push(...three);
    const pool = compileOne(
      newUpstreams(),
      poolOf(three.map((origin) => origin.url), { algorithm: "consistent_hash", hashKey: { source: "client_ip" } }),
    );
    const seen = new Set<string>();
    for (let client = 0; client < 60; client++) {
      const clientIp = `10.1.0.${client}`;
      const first = (await send(pool, get("/", { clientIp }))).text;
      expect((await send(pool, get("/", { clientIp }))).text).toBe(first);
      seen.add(first);
    }
    expect(seen.size).toBe(3);
  });

  it("sticky cookie sets the cookie and brings the client back to the same origin", async () => {
    const three = await Promise.all(["a", "b", "c"].map((name) => startOrigin(echoOrigin(name))));
    originsInTest.push(...three);
    const pool = compileOne(newUpstreams(), poolOf(three.map((origin) => origin.url), { algorithm: "sticky_cookie" }));
    const first = await send(pool, get());
    const setCookie = first.extraHeaders?.["set-cookie"];
    expect(setCookie).toMatch(/^concierge_sticky=/);
    const cookie = (setCookie ?? "").split(";")[0] ?? "";
    for (let request = 0; request < 10; request++) {
      const again = await send(pool, get("/", { headers: { host: "shop.example", cookie } }));
      expect(again.text).toBe(first.text);
      expect(again.extraHeaders).toBeUndefined();
    }
  });
});

describe("forwardRequest: the exchange", () => {
  it("prefixes the target's path, passes the Host, strips hop-by-hop and Expect", async () => {
    const [origin] = await origins(1, (req, res) => {
      res.setHeader("x-seen", JSON.stringify({ url: req.url, host: req.headers.host, expect: req.headers.expect ?? null }));
      res.setHeader("Connection", "x-private, keep-alive");
      res.setHeader("x-private", "1");
      res.end("body");
    });
    const pool = compileOne(newUpstreams(), poolOf([`${origin?.url}/base`]));
    const result = await send(pool, get("/items?id=1", { headers: { host: "shop.example", expect: "100-continue" } }));
    expect(JSON.parse(String(result.headers["x-seen"]))).toEqual({ url: "/base/items?id=1", host: "shop.example", expect: null });
    expect(result.headers.connection).toBeUndefined();
    expect(result.headers["x-private"]).toBeUndefined();
    expect(result.text).toBe("body");
  });

  it("answers HEAD without a body", async () => {
    const [origin] = await origins(1, (_req, res) => {
      res.setHeader("content-length", "5");
      res.end("hello");
    });
    const result = await send(compileOne(newUpstreams(), poolOf([origin?.url ?? ""])), get("/", { method: "HEAD" }));
    expect(result.statusCode).toBe(200);
    expect(result.headers["content-length"]).toBe("5");
    expect(result.text).toBe("");
  });

  it("rejects with NO_HEALTHY_TARGET at once when no target is eligible", async () => {
    const [origin] = await origins(1);
    const pool = compileOne(newUpstreams(), poolOf([{ url: origin?.url ?? "", enabled: false }]));
    const error = await rejection(forwardRequest(pool, get()));
    expect(error.code).toBe("NO_HEALTHY_TARGET");
    expect(error.status).toBe(503);
    expect(origin?.received).toHaveLength(0);
  });

  it("times out waiting for headers with 504 and does not retry", async () => {
    const slow = await origins(2, () => undefined); // never answers
    const pool = compileOne(
      newUpstreams(),
      poolOf(slow.map((origin) => origin.url), { timeouts: { connectMs: 1_000, firstByteMs: 200, idleMs: 1_000 } }),
    );
    const error = await rejection(forwardRequest(pool, get()));
    expect(error.code).toBe("UPSTREAM_TIMEOUT");
    expect(error.status).toBe(504);
    expect(slow[0]!.received.length + slow[1]!.received.length).toBe(1);
  });
});

describe("forwardRequest: retries", () => {
  it("retries a refused connection on another target, POST included (nothing was sent)", async () => {
    const [live] = await origins(1);
    const pool = compileOne(newUpstreams(), poolOf([await deadUrl(), live?.url ?? ""], { algorithm: "round_robin" }));
    const result = await send(pool, { ...get(), method: "POST", body: Readable.from([Buffer.from("payload")]) });
    expect(result.statusCode).toBe(200);
    expect(result.attempts).toBe(2);
    expect(live?.received).toEqual([{ method: "POST", url: "/" }]);
  });

  it("fails a POST to a dead pool cleanly with 502", async () => {
    const pool = compileOne(newUpstreams(), poolOf([await deadUrl()]));
    const body = Readable.from([Buffer.from("payload")]);
    const error = await rejection(forwardRequest(pool, { ...get(), method: "POST", body }));
    expect(error.code).toBe("UPSTREAM_CONNECT_FAILED");
    expect(error.status).toBe(502);
    expect(body.destroyed).toBe(false); // the client's request survives, so the proxy can answer it
  });

  it("never replays a POST whose body the target read before the connection died", async () => {
    const received: string[] = [];
    const breaking = await origins(2, (req) => {
      req.on("data", () => undefined);
      req.on("end", () => {
        received.push(req.method ?? "");
        req.socket.destroy();
      });
    });
    const pool = compileOne(newUpstreams(), poolOf(breaking.map((origin) => origin.url)));
    const error = await rejection(
      forwardRequest(pool, { ...get(), method: "POST", body: Readable.from([Buffer.from("payload")]) }),
    );
    expect(error.code).toBe("UPSTREAM_RESET");
    expect(received).toEqual(["POST"]);
  });

  it("retries a GET reset on a reused keep-alive connection", async () => {
    let requests = 0;
    const [flaky] = await origins(1, (req, res) => {
      requests++;
      if (requests === 2) req.socket.destroy(); // the second request on the warm connection
      else res.end("flaky");
    });
    const [steady] = await origins(1, echoOrigin("steady"));
    const upstreams = newUpstreams();
    const pool = compileOne(upstreams, poolOf([flaky?.url ?? "", steady?.url ?? ""], { algorithm: "weighted_round_robin" }));
    expect((await send(pool, get())).text).toBe("flaky");
    expect((await send(pool, get())).text).toBe("steady");
    const retried = await send(pool, get());
    expect(retried.text).toBe("steady");
    expect(retried.attempts).toBe(2);
  });

  it("loses no request while an origin is killed under concurrent load", { timeout: 30_000 }, async () => {
    const three = await origins(3, (_req, res) => setImmediate(() => res.end("ok")));
    const pool = compileOne(newUpstreams(), poolOf(three.map((origin) => origin.url)));
    const total = 2_000;
    const concurrency = 20;
    let next = 0;
    let completed = 0;
    const failures: unknown[] = [];
    let killing: Promise<void> | undefined;

    async function worker(): Promise<void> {
      while (next < total) {
        next++;
        try {
          const result = await send(pool, get());
          expect(result.statusCode).toBe(200);
        } catch (error) {
          failures.push(error);
        }
        completed++;
        if (completed === total / 2) killing = three[0]?.kill();
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker));
    await killing;
    expect(failures).toEqual([]);
    expect(completed).toBe(total);
    expect(three[0]?.received.length).toBeLessThan(total / 2);
    expect(three[1]?.received.length).toBeGreaterThan(total / 3);
  });
});

describe("upstreams: connections", () => {
  it("reuses keep-alive connections: 1 000 sequential requests open a handful", async () => {
    const [origin] = await origins(1);
    const upstreams = newUpstreams();
    const pool = compileOne(upstreams, poolOf([origin?.url ?? ""]));
    for (let request = 0; request < 1_000; request++) await send(pool, get());
    const [status] = upstreams.targetStates();
    expect(status?.requests).toBe(1_000);
    expect(status?.connectionsOpened).toBeGreaterThanOrEqual(1);
    expect(status?.connectionsOpened).toBeLessThanOrEqual(3);
  });

  it("keeps pools and warm connections across compile() of an unchanged pool", async () => {
    const two = await origins(2);
    const upstreams = newUpstreams();
    const config = poolOf(two.map((origin) => origin.url));
    const before = compileOne(upstreams, config);
    await Promise.all(Array.from({ length: 10 }, () => send(before, get())));
    const opened = upstreams.targetStates().map((status) => status.connectionsOpened);
    const open = upstreams.targetStates().map((status) => status.openConnections);

    const after = compileOne(upstreams, structuredClone(config));
    for (let request = 0; request < 10; request++) await send(after, get());
    expect(upstreams.targetStates().map((status) => status.connectionsOpened)).toEqual(opened);
    expect(upstreams.targetStates().map((status) => status.openConnections)).toEqual(open);
  });

  it("replaces a target whose URL changed and closes the removed one", async () => {
    const [first, second] = await origins(2);
    const upstreams = newUpstreams();
    const config = poolOf([first?.url ?? ""]);
    await send(compileOne(upstreams, config), get());
    const moved = { ...config, targets: [{ ...config.targets[0]!, url: second?.url ?? "" }] };
    const pool = compileOne(upstreams, moved);
    await send(pool, get());
    expect(upstreams.targetStates()).toHaveLength(1);
    expect(upstreams.targetStates()[0]?.url).toBe(second?.url);
    await waitFor(() => first?.openSockets() === 0, 5_000, "the removed target's connections to close");
  });
});
