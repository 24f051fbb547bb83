import { afterEach, describe, expect, it } from "vitest";

import { toCacheKey } from "../../src/cache/cache-key.ts";
import { createHttpCache } from "../../src/cache/http-cache.ts";
import { createClock, readBody, toRequest } from "./harness.ts";
import type { TestOrigin } from "./origin-server.ts";
import { startOrigin } from "./origin-server.ts";

let origin: TestOrigin | undefined;
afterEach(async () => {
  await origin?.close();
  origin = undefined;
});

function setup() {
  const clock = createClock();
  return { clock, cache: createHttpCache({ maxBytes: 1_000_000, now: clock.now }) };
}

describe("cache key", () => {
  it("always holds scheme, host and path, and sorts the query", () => {
    const key = toCacheKey(toRequest({ scheme: "https", host: "shop.example", path: "/a", query: "b=2&a=1" }));
    expect(key.primary).toBe("https://shop.example/a?a=1&b=2");
    expect(toCacheKey(toRequest({ scheme: "http", path: "/a" })).primary).not.toBe(key.primary.split("?")[0]);
  });

  it("drops or filters the query as the rule says, never the path", () => {
    expect(toCacheKey(toRequest({ path: "/a", query: "x=1", rule: { keyQuery: "none" } })).primary).toBe(
      "http://shop.example/a",
    );
    const included = toCacheKey(toRequest({ path: "/a", query: "utm=1&id=7&page=2", rule: { keyQuery: { include: ["id", "page"] } } }));
    expect(included.primary).toBe("http://shop.example/a?id=7&page=2");
  });

  it("adds the rule's headers and cookies", () => {
    const rule = { keyHeaders: ["X-Tenant"], keyCookies: ["lang"] };
    const fr = toCacheKey(toRequest({ headers: { "x-tenant": "t1", cookie: "lang=fr; id=9" }, rule }));
    const de = toCacheKey(toRequest({ headers: { "x-tenant": "t1", cookie: "lang=de; id=9" }, rule }));
    const otherTenant = toCacheKey(toRequest({ headers: { "x-tenant": "t2", cookie: "lang=fr" }, rule }));
    expect(new Set([fr.primary, de.primary, otherTenant.primary]).size).toBe(3);
    expect(fr.primary.startsWith("http://shop.example/item")).toBe(true);
  });

  it("keys the query through serve: one object per sorted query", async () => {
    const { cache } = setup();
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { "cache-control": "max-age=60" });
      res.end(req.url);
    });
    const first = toRequest({ query: "a=1&b=2" });
    await readBody(await cache.serve(first, origin.fetcherFor(first)));
    const reordered = toRequest({ query: "b=2&a=1" });
    expect((await cache.serve(reordered, origin.fetcherFor(reordered))).cacheOutcome).toBe("hit");
    const other = toRequest({ query: "a=2" });
    expect((await cache.serve(other, origin.fetcherFor(other))).headers["cache-status"]).toBe(
      "concierge; fwd=uri-miss; stored",
    );
  });
});

describe("vary", () => {
  async function varyingOrigin(vary: string): Promise<TestOrigin> {
    origin = await startOrigin((req, res, index) => {
      res.writeHead(200, { "cache-control": "max-age=60", vary });
      res.end(`${index}:${req.headers["accept-encoding"] ?? "none"}`);
    });
    return origin;
  }

  it("keeps one variant per normalised value of the Vary fields", async () => {
    const { cache } = setup();
    const server = await varyingOrigin("Accept-Encoding");
    const gzip = toRequest({ headers: { "accept-encoding": "gzip, br" } });
    const plain = toRequest();
    expect(await readBody(await cache.serve(gzip, server.fetcherFor(gzip)))).toBe("0:gzip, br");
    const miss = await cache.serve(plain, server.fetcherFor(plain));
    expect(miss.headers["cache-status"]).toBe("concierge; fwd=vary-miss; stored");
    expect(await readBody(miss)).toBe("1:none");

    const spaced = toRequest({ headers: { "accept-encoding": "gzip,br" } });
    const hit = await cache.serve(spaced, server.fetcherFor(spaced));
    expect(hit.cacheOutcome).toBe("hit");
    expect(await readBody(hit)).toBe("0:gzip, br");
    expect(await readBody(await cache.serve(plain, server.fetcherFor(plain)))).toBe("1:none");
    expect(cache.stats().objects).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it("never stores or reuses an answer with Vary: *", async () => {
    const { cache } = setup();
    const server = await varyingOrigin("*");
    const request = toRequest();
    const first = await cache.serve(request, server.fetcherFor(request));
    expect(first.headers["cache-status"]).toBe("concierge; fwd=uri-miss; detail=vary-star");
    await readBody(first);
    await readBody(await cache.serve(request, server.fetcherFor(request)));
    expect(server.requests).toHaveLength(2);
  });

  it("matches Accept-Language regardless of tag order, case and spacing", async () => {
    const { cache } = setup();
    const server = await varyingOrigin("Accept-Language");
    const first = toRequest({ headers: { "accept-language": "en, de" } });
    await readBody(await cache.serve(first, server.fetcherFor(first)));
    for (const value of ["de, en", "EN,De", " en ,   de"]) {
      const request = toRequest({ headers: { "accept-language": value } });
      expect((await cache.serve(request, server.fetcherFor(request))).cacheOutcome).toBe("hit");
    }
    const other = toRequest({ headers: { "accept-language": "fr" } });
    const miss = await cache.serve(other, server.fetcherFor(other));
    expect(miss.headers["cache-status"]).toBe("concierge; fwd=vary-miss; stored");
    await readBody(miss);
    expect(server.requests).toHaveLength(2);
  });
});

