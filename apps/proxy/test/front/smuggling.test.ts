import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { rawExchange, snapshotOf, startOrigin, startProxy, statusOf, type Origin, type Proxy } from "./support.ts";

let origin: Origin;
let proxy: Proxy;

beforeAll(async () => {
  origin = await startOrigin();
  proxy = await startProxy({ snapshot: snapshotOf([origin], [{ pathPrefix: "/" }]) });
});

afterAll(async () => {
  await proxy.close();
  await origin.close();
});

const head = "POST /upload HTTP/1.1\r\nHost: shop.example\r\n";

describe("request smuggling shapes", () => {
  it.each([
    ["Content-Length with Transfer-Encoding", `${head}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
    ["Transfer-Encoding: chunked, identity", `${head}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`],
    ["Transfer-Encoding: xchunked", `${head}Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n`],
    ["Transfer-Encoding with a space before the colon", `${head}Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n`],
    ["Transfer-Encoding folded onto a tab line", `${head}Transfer-Encoding:\r\n\tchunked\r\n\r\n0\r\n\r\n`],
    ["Transfer-Encoding: identity after chunked", `${head}Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n`],
    ["two different Content-Length values", `${head}Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd`],
    ["a Content-Length list", `${head}Content-Length: 4, 4\r\n\r\nabcd`],
    ["a bad chunk size", `${head}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`],
  ])("refuses %s with 400 and closes the connection", async (_shape, request) => {
    const before = origin.seen.length;
    const exchange = await rawExchange(proxy.port, request);
    expect(statusOf(exchange)).toBe(400);
    expect(exchange.closed).toBe(true);
    expect(origin.seen.length).toBe(before);
  });

  it("does not read a smuggled second request out of a refused one", async () => {
    const smuggled = "GET /smuggled HTTP/1.1\r\nHost: shop.example\r\n\r\n";
    const exchange = await rawExchange(
      proxy.port,
      `${head}Content-Length: ${smuggled.length + 5}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`,
    );
    expect(statusOf(exchange)).toBe(400);
    expect(exchange.text.match(/HTTP\/1\.1/g)).toHaveLength(1);
    expect(origin.seen.some((seen) => seen.url === "/smuggled")).toBe(false);
  });

  it("passes a well-formed chunked body through", async () => {
    const exchange = await rawExchange(
      proxy.port,
      `${head}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n`,
    );
    expect(statusOf(exchange)).toBe(200);
    expect(origin.seen.at(-1)?.body).toBe("abc");
  });
});
