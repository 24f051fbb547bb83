import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { EMPTY_SNAPSHOT } from "@concierge/config/snapshot";
import { rawExchange, startProxy, type Proxy } from "./support.ts";

let proxy: Proxy;
beforeAll(async () => {
  proxy = await startProxy({ snapshot: EMPTY_SNAPSHOT });
});
afterAll(async () => {
  await proxy.close();
});

describe("the proxy's own refusals on a keep-alive connection", () => {
  it("answers pipelined requests without a body and keeps the connection open", async () => {
    const request = "GET /a HTTP/1.1\r\nHost: nowhere.test\r\n\r\n";
    const exchange = await rawExchange(proxy.port, request + request + request, 500);
    expect(exchange.text.match(/^HTTP\/1\.1 404 /gm)).toHaveLength(3);
    expect(exchange.text).not.toMatch(/^connection: close/im);
    expect(exchange.closed).toBe(false);
  });

  it("closes the connection when a refused request's body was left unread", async () => {
    const exchange = await rawExchange(
      proxy.port,
      "POST /a HTTP/1.1\r\nHost: nowhere.test\r\nContent-Length: 5\r\n\r\nhello",
    );
    expect(exchange.text).toMatch(/^HTTP\/1\.1 404 /);
    expect(exchange.text).toMatch(/^connection: close/im);
    expect(exchange.closed).toBe(true);
  });
});
