import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { snapshotOf, startOrigin, startProxy, type Origin, type Proxy } from "../front/support.ts";

let origin: Origin;
let proxy: Proxy;

beforeAll(async () => {
  origin = await startOrigin((req, res) => res.end(`${req.headers.host} ${req.url}`));
  proxy = await startProxy({
    trustedProxies: ["127.0.0.1"],
    snapshot: snapshotOf(
      [origin],
      [
        { hosts: ["old.test"], policies: { redirect: { to: "https://new.test$path$query", status: 301 } } },
        { hosts: ["rw.test"], pathPrefix: "/api", policies: { rewrite: { pathPrefix: "/v2", host: "backend.internal" } } },
        { hosts: ["secure.test"], policies: { httpsRedirect: true, hsts: { maxAgeSeconds: 600, includeSubDomains: true } } },
      ],
    ),
  });
});

afterAll(async () => {
  await proxy.close();
  await origin.close();
});

function get(host: string, path: string, headers: Record<string, string> = {}) {
  return request(`${proxy.url}${path}`, { headers: { host, ...headers } });
}

describe("redirects and rewrites", () => {
  it("answers a redirect route itself, filling the template", async () => {
    const response = await get("old.test", "/a/b?x=1");
    expect(response.statusCode).toBe(301);
    expect(response.headers.location).toBe("https://new.test/a/b?x=1");
    await response.body.text();
    expect(origin.seen.some((seen) => seen.url === "/a/b?x=1")).toBe(false);
  });

  it("replaces the matched prefix and the Host sent upstream", async () => {
    const response = await get("rw.test", "/api/items?page=2");
    expect(await response.body.text()).toBe("backend.internal /v2/items?page=2");
    const root = await get("rw.test", "/api");
    expect(await root.body.text()).toBe("backend.internal /v2");
  });

  it("sends plain HTTP to HTTPS with 308, and adds HSTS only to HTTPS answers", async () => {
    const plain = await get("secure.test:8080", "/login?next=%2F");
    expect(plain.statusCode).toBe(308);
    expect(plain.headers.location).toBe("https://secure.test/login?next=%2F");
    expect(plain.headers["strict-transport-security"]).toBeUndefined();
    await plain.body.text();

    // A trusted TLS terminator in front says the client came over HTTPS.
    const secure = await get("secure.test", "/login", { "x-forwarded-proto": "https" });
    expect(secure.statusCode).toBe(200);
    expect(secure.headers["strict-transport-security"]).toBe("max-age=600; includeSubDomains");
    await secure.body.text();
  });
});
