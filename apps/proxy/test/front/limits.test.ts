import { once } from "node:events";
import { connect } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";

import { rawExchange, snapshotOf, startOrigin, startProxy, statusOf, type Origin, type Proxy } from "./support.ts";

let origin: Origin;
let proxy: Proxy;
let empty: Proxy;

beforeAll(async () => {
  origin = await startOrigin();
  proxy = await startProxy({
    snapshot: snapshotOf([origin], [{ hosts: ["shop.example"], pathPrefix: "/" }]),
    limits: { headersTimeoutMs: 300, requestTimeoutMs: 1_000, timeoutCheckIntervalMs: 50, maxHeaderBytes: 4_096, maxUrlBytes: 1_024 },
  });
  empty = await startProxy();
});

afterAll(async () => {
  await Promise.all([proxy.close(), empty.close()]);
  await origin.close();
});

describe("listener limits", () => {
  it("cuts off a client that sends its headers too slowly", async () => {
    const socket = connect(proxy.port, "127.0.0.1");
    socket.on("error", () => {});
    await once(socket, "connect");
    socket.write("GET / HTTP/1.1\r\nHost: shop.example\r\n");
    let text = "";
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
    });
    const startedAt = Date.now();
    await once(socket, "close");
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(text).toMatch(/^HTTP\/1\.1 408/);
  });

  it("answers 431 to headers over the limit", async () => {
    const exchange = await rawExchange(proxy.port, `GET / HTTP/1.1\r\nHost: shop.example\r\nX-Big: ${"a".repeat(5_000)}\r\n\r\n`);
    expect(statusOf(exchange)).toBe(431);
    expect(exchange.closed).toBe(true);
  });

  it("answers 414 to a request target over the limit", async () => {
    const response = await request(`${proxy.url}/${"a".repeat(2_000)}`, { headers: { host: "shop.example" } });
    await response.body.text();
    expect(response.statusCode).toBe(414);
  });

  it("answers 400 to a request without Host", async () => {
    const exchange = await rawExchange(proxy.port, "GET / HTTP/1.1\r\n\r\n");
    expect(statusOf(exchange)).toBe(400);
  });
});

describe("the proxy's own answers", () => {
  it("404 when no route matches, as text or JSON by Accept", async () => {
    const text = await request(`${proxy.url}/x`, { headers: { host: "elsewhere.example" } });
    expect(text.statusCode).toBe(404);
    expect(text.headers["content-type"]).toMatch(/^text\/plain/);
    expect(await text.body.text()).toContain("no route");

    const json = await request(`${proxy.url}/x`, { headers: { host: "elsewhere.example", accept: "application/json" } });
    expect(json.statusCode).toBe(404);
    expect(await json.body.json()).toMatchObject({ error: { code: "NO_ROUTE" } });
  });

  it("503 before any configuration was applied", async () => {
    const response = await request(`${empty.url}/x`);
    expect(response.statusCode).toBe(503);
    expect(await response.body.text()).toContain("no configuration loaded");
  });

  it("404 for every request once the empty configuration is applied", async () => {
    empty.runtime.apply({ pools: [], routes: [] }, 1);
    const response = await request(`${empty.url}/x`);
    await response.body.text();
    expect(response.statusCode).toBe(404);
  });
});

describe("Expect: 100-continue", () => {
  it("is answered only once the request is routed and within its limit", async () => {
    const before = origin.seen.length;
    const refused = await rawExchange(
      proxy.port,
      "POST /x HTTP/1.1\r\nHost: elsewhere.example\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n",
    );
    expect(statusOf(refused)).toBe(404);
    expect(refused.text).not.toContain("100 Continue");

    const socket = connect(proxy.port, "127.0.0.1");
    await once(socket, "connect");
    socket.write("POST /x HTTP/1.1\r\nHost: shop.example\r\nContent-Length: 3\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
    const [interim] = await once(socket, "data");
    expect(String(interim)).toMatch(/^HTTP\/1\.1 100 Continue/);
    let text = "";
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
    });
    socket.write("abc");
    await once(socket, "close");
    expect(text).toMatch(/HTTP\/1\.1 200/);
    expect(origin.seen.length).toBe(before + 1);
    expect(origin.seen.at(-1)?.body).toBe("abc");
  });
});
