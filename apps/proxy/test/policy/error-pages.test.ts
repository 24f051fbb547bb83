import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { snapshotOf, startOrigin, startProxy, type Origin, type Proxy } from "../front/support.ts";

let origin: Origin;
let proxy: Proxy;

beforeAll(async () => {
  origin = await startOrigin((req, res) => {
    res.statusCode = req.url === "/missing" ? 404 : 500;
    res.end("origin's own error body");
  });
  // A pool whose only target refuses connections: the proxy's own 502.
  const dead = { url: "http://127.0.0.1:1", seen: [], close: async () => {} };
  proxy = await startProxy({
    snapshot: snapshotOf(
      [origin, dead],
      [
        { hosts: ["pages.test"], policies: { errorPages: { pages: { "404": "<h1>not here</h1>", "5xx": "<h1>our fault</h1>" }, forOrigin: true } } },
        { hosts: ["plain.test"], policies: { errorPages: { pages: { "5xx": "<h1>unused</h1>" } } } },
        { hosts: ["dead.test"], pool: 1, policies: { errorPages: { pages: { "502": "<h1>origin away</h1>" } } } },
        { hosts: ["closed.test"], policies: { maintenance: { enabled: true, message: "Back at <noon>", retryAfterSeconds: 120 } } },
      ],
    ),
  });
});

afterAll(async () => {
  await proxy.close();
  await origin.close();
});

function get(host: string, path = "/") {
  return request(`${proxy.url}${path}`, { headers: { host } });
}

describe("custom error pages", () => {
  it("replaces origin error bodies by exact status, then by class, when the route asks", async () => {
    const missing = await get("pages.test", "/missing");
    expect(missing.statusCode).toBe(404);
    expect(missing.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(await missing.body.text()).toBe("<h1>not here</h1>");
    const broken = await get("pages.test", "/boom");
    expect(broken.statusCode).toBe(500);
    expect(await broken.body.text()).toBe("<h1>our fault</h1>");
  });

  it("leaves origin errors alone unless asked", async () => {
    const broken = await get("plain.test", "/boom");
    expect(broken.statusCode).toBe(500);
    expect(await broken.body.text()).toBe("origin's own error body");
  });

  it("uses the page for the proxy's own errors", async () => {
    const response = await get("dead.test");
    expect(response.statusCode).toBe(502);
    expect(await response.body.text()).toBe("<h1>origin away</h1>");
  });
});

describe("maintenance", () => {
  it("answers 503 with Retry-After and an escaped message, without reaching the origin", async () => {
    const before = origin.seen.length;
    const response = await get("closed.test", "/anything");
    expect(response.statusCode).toBe(503);
    expect(response.headers["retry-after"]).toBe("120");
    expect(await response.body.text()).toContain("Back at &lt;noon&gt;");
    expect(origin.seen.length).toBe(before);
  });
});
