import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent, request } from "undici";

import { waitFor } from "../../../../packages/db/test-support/wait-for.ts";
import { snapshotOf, startOrigin, startProxy, type Origin, type Proxy } from "./support.ts";

let origins: Origin[];
let proxy: Proxy;

beforeAll(async () => {
  origins = await Promise.all(
    ["exact", "wild", "any", "cached"].map((name) =>
      startOrigin((_req, res) => {
        res.setHeader("cache-control", "max-age=60");
        res.end(name);
      }),
    ),
  );
  proxy = await startProxy({
    snapshot: snapshotOf(origins, [
      { hosts: ["shop.example.com"], pathPrefix: "/", pool: 0 },
      { hosts: ["*.example.com"], pathPrefix: "/", pool: 1 },
      { hosts: ["*"], pathPrefix: "/", pool: 2 },
      { hosts: ["cdn.test"], pathPrefix: "/", pool: 3, cache: { enabled: true } },
    ]),
  });
});

afterAll(async () => {
  await proxy.close();
  await Promise.all(origins.map((origin) => origin.close()));
});

async function bodyFor(host: string, path = "/"): Promise<string> {
  const response = await request(`${proxy.url}${path}`, { headers: { host } });
  return response.body.text();
}

describe("serving through the pipeline", () => {
  it("routes exact host before wildcard before *, ignoring port and case", async () => {
    expect(await bodyFor("SHOP.example.com:8080")).toBe("exact");
    expect(await bodyFor("api.example.com")).toBe("wild");
    expect(await bodyFor("shop.example.org")).toBe("any");
  });

  it("marks answers of a cache-enabled route with Cache-Status and serves repeats from the cache", async () => {
    const first = await request(`${proxy.url}/c`, { headers: { host: "cdn.test" } });
    expect(await first.body.text()).toBe("cached");
    expect(first.headers["cache-status"]).toMatch(/^concierge;/);
    const second = await request(`${proxy.url}/c`, { headers: { host: "cdn.test" } });
    expect(await second.body.text()).toBe("cached");
    expect(second.headers["cache-status"]).toMatch(/^concierge; hit/);
    expect(second.headers.age).toBeDefined();
    expect(origins[3]?.seen.filter((seen) => seen.url === "/c")).toHaveLength(1);
  });

  it("counts requests by route, target, status class and cache status", async () => {
    await bodyFor("shop.example.com", "/m");
    const text = proxy.runtime.metrics.toPrometheus();
    const route = proxy.runtime.current()?.routes[0];
    expect(route).toBeDefined();
    expect(text).toMatch(
      new RegExp(`concierge_requests_total\\{route="${route?.id}",pool="${route?.pool.id}",target="[0-9a-f-]{36}",status_class="2xx",cache_status="none"\\} [1-9]`),
    );
    expect(text).toMatch(/concierge_requests_total\{route="[^"]+",pool="[^"]+",target="",status_class="2xx",cache_status="hit"\} 1/);
    expect(text).toContain("concierge_client_connections ");
  });

  it("keeps serving the previous config when a revision does not compile", async () => {
    const before = proxy.runtime.current();
    const orphanRoutes = snapshotOf(origins, [{}]).routes;
    expect(() => proxy.runtime.apply({ pools: [], routes: orphanRoutes }, 2)).toThrow(/does not exist/);
    expect(proxy.runtime.current()).toBe(before);
    expect(await bodyFor("shop.example.com")).toBe("exact");
  });
});

describe("drain", () => {
  it("lets an in-flight request finish, then closes every connection", async () => {
    let release: () => void = () => {};
    const slowOrigin = await startOrigin((_req, res) => {
      release = () => res.end("finished");
    });
    const draining = await startProxy({ snapshot: snapshotOf([slowOrigin], [{}]) });
    const agent = new Agent();
    const pending = request(`${draining.url}/slow`, { dispatcher: agent });
    await waitFor(() => slowOrigin.seen.length > 0, { what: "the request to reach the origin" });
    const drained = draining.close();
    release();
    const response = await pending;
    expect(await response.body.text()).toBe("finished");
    await drained;
    expect(draining.runtime.metrics.clientConnections).toBe(0);
    await agent.close();
    await slowOrigin.close();
  });
});
