import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";

import { PSEUDONYM, rawExchange, snapshotOf, startOrigin, startProxy, statusOf, type Origin, type Proxy } from "./support.ts";

let origin: Origin;
let evil: Origin;
let proxy: Proxy;
let trustingProxy: Proxy;

beforeAll(async () => {
  origin = await startOrigin((req, res) => {
    res.setHeader("x-origin-secret", "s");
    res.setHeader("connection", "x-origin-secret");
    res.setHeader("keep-alive", "timeout=77");
    res.setHeader("x-origin-kept", "k");
    res.setHeader("x-remove-me", "r");
    res.end(`seen ${req.url}`);
  });
  evil = await startOrigin();
  const snapshot = snapshotOf(
    [origin],
    [
      { pathPrefix: "/" },
      {
        hosts: ["rules.example"],
        pathPrefix: "/api",
        stripPrefix: true,
        requestHeaders: { set: { "x-route": "api" }, remove: ["x-drop"] },
        responseHeaders: { set: { "x-served-by": "concierge" }, remove: ["x-remove-me"] },
      },
      { hosts: ["small.example"], pathPrefix: "/", maxBodyBytes: 8 },
    ],
  );
  proxy = await startProxy({ snapshot });
  trustingProxy = await startProxy({ snapshot, trustedProxies: ["127.0.0.1", "::1"] });
});

afterAll(async () => {
  await Promise.all([proxy.close(), trustingProxy.close()]);
  await Promise.all([origin.close(), evil.close()]);
});

function lastSeen() {
  const seen = origin.seen.at(-1);
  if (!seen) throw new Error("the origin saw nothing");
  return seen;
}

describe("hop-by-hop headers", () => {
  it("are removed on the way to the origin, Connection-named ones included", async () => {
    const response = await rawExchange(
      proxy.port,
      "GET /h HTTP/1.1\r\nHost: shop.example\r\nConnection: close, X-Private\r\nX-Private: 1\r\n" +
        "Keep-Alive: timeout=9\r\nProxy-Authorization: Basic eA==\r\nTE: trailers\r\nX-Kept: 1\r\n\r\n",
    );
    expect(statusOf(response)).toBe(200);
    const { headers } = lastSeen();
    expect(headers["x-private"]).toBeUndefined();
    expect(headers["keep-alive"]).toBeUndefined();
    expect(headers["proxy-authorization"]).toBeUndefined();
    expect(headers.te).toBeUndefined();
    expect(headers["x-kept"]).toBe("1");
  });

  it("are removed on the way back to the client", async () => {
    const response = await request(`${proxy.url}/h`);
    await response.body.text();
    expect(response.headers["x-origin-secret"]).toBeUndefined();
    expect(response.headers["keep-alive"]).not.toBe("timeout=77");
    expect(response.headers["x-origin-kept"]).toBe("k");
  });
});

describe("forwarding headers", () => {
  const spoofed = { "x-forwarded-for": "6.6.6.6", "x-forwarded-host": "evil.example", forwarded: "for=6.6.6.6" };

  it("replace what an untrusted peer claims", async () => {
    await (await request(`${proxy.url}/f`, { headers: { host: "shop.example", ...spoofed } })).body.text();
    const { headers } = lastSeen();
    expect(headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(headers["x-forwarded-host"]).toBe("shop.example");
    expect(headers["x-forwarded-proto"]).toBe("http");
    expect(headers.forwarded).toBe("for=127.0.0.1;host=shop.example;proto=http");
  });

  it("append to what a trusted peer sent", async () => {
    await (await request(`${trustingProxy.url}/f`, { headers: { host: "shop.example", ...spoofed } })).body.text();
    const { headers } = lastSeen();
    expect(headers["x-forwarded-for"]).toBe("6.6.6.6, 127.0.0.1");
    expect(headers["x-forwarded-host"]).toBe("evil.example");
    expect(headers.forwarded).toBe("for=6.6.6.6, for=127.0.0.1;host=shop.example;proto=http");
  });
});

describe("Via", () => {
  it("is added to the request and the response", async () => {
    const response = await request(`${proxy.url}/v`, { headers: { via: "1.1 edge" } });
    await response.body.text();
    expect(lastSeen().headers.via).toBe(`1.1 edge, 1.1 ${PSEUDONYM}`);
    expect(response.headers.via).toBe(`1.1 ${PSEUDONYM}`);
  });

  it("carrying our own pseudonym is a loop: 508, never forwarded", async () => {
    const before = origin.seen.length;
    const response = await request(`${proxy.url}/v`, { headers: { via: `1.0 other, 1.1 ${PSEUDONYM}` } });
    await response.body.text();
    expect(response.statusCode).toBe(508);
    expect(origin.seen.length).toBe(before);
  });
});

describe("request targets", () => {
  it("routes an absolute-form target by its authority and never contacts that host", async () => {
    const evilAuthority = evil.url.slice("http://".length);
    const response = await rawExchange(
      proxy.port,
      `GET http://${evilAuthority}/steal?x=1 HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n`,
    );
    expect(statusOf(response)).toBe(200);
    expect(lastSeen().url).toBe("/steal?x=1");
    expect(lastSeen().headers.host).toBe(evilAuthority);
    expect(evil.seen).toHaveLength(0);
  });

  it("answers CONNECT with 405", async () => {
    const response = await rawExchange(proxy.port, `CONNECT ${evil.url.slice(7)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(statusOf(response)).toBe(405);
    expect(response.closed).toBe(true);
    expect(evil.seen).toHaveLength(0);
  });

  it.each([
    ["/api/../../secret", "/secret"],
    ["/api/%2e%2e/%2E%2E/secret", "/secret"],
    ["/api/x/..%2f..%2fsecret", "/x/..%2F..%2Fsecret"],
  ])("resolves %s before routing, so a prefix cannot be escaped", async (path, forwarded) => {
    const response = await rawExchange(
      proxy.port,
      `GET ${path} HTTP/1.1\r\nHost: rules.example\r\nConnection: close\r\n\r\n`,
    );
    expect(statusOf(response)).toBe(200);
    // "/secret" leaves the stripped /api route for the catch-all, which forwards it unchanged.
    expect(lastSeen().url).toBe(forwarded);
    expect(lastSeen().headers["x-route"]).toBe(forwarded.startsWith("/x") ? "api" : undefined);
  });
});

describe("route rules", () => {
  it("strip the prefix and apply request and response header rules", async () => {
    const response = await request(`${proxy.url}/api/items?q=1`, {
      headers: { host: "rules.example", "x-drop": "1", "x-route": "client" },
    });
    expect(await response.body.text()).toBe("seen /items?q=1");
    const { headers, url } = lastSeen();
    expect(url).toBe("/items?q=1");
    expect(headers["x-route"]).toBe("api");
    expect(headers["x-drop"]).toBeUndefined();
    expect(response.headers["x-served-by"]).toBe("concierge");
    expect(response.headers["x-remove-me"]).toBeUndefined();
  });

  it("refuse a declared body over the route's limit with 413 before forwarding", async () => {
    const before = origin.seen.length;
    const response = await request(`${proxy.url}/up`, {
      method: "POST",
      headers: { host: "small.example" },
      body: "0123456789",
    });
    await response.body.text();
    expect(response.statusCode).toBe(413);
    expect(origin.seen.length).toBe(before);
  });

  it("cut a chunked body that passes the route's limit with 413", async () => {
    const response = await rawExchange(
      proxy.port,
      "POST /up HTTP/1.1\r\nHost: small.example\r\nTransfer-Encoding: chunked\r\n\r\n" +
        "5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n",
    );
    expect(statusOf(response)).toBe(413);
  });

  it("accept a body on any method", async () => {
    const response = await request(`${proxy.url}/d`, { method: "DELETE", headers: { host: "small.example" }, body: "abc" });
    await response.body.text();
    expect(response.statusCode).toBe(200);
    expect(lastSeen()).toMatchObject({ method: "DELETE", body: "abc" });
  });
});
