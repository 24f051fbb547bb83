import { afterEach, describe, expect, it } from "vitest";

import { createHttpCache } from "../../src/cache/http-cache.ts";
import { readBody, toRequest } from "./harness.ts";
import type { TestOrigin } from "./origin-server.ts";
import { startOrigin } from "./origin-server.ts";

let origin: TestOrigin | undefined;
afterEach(async () => {
  await origin?.close();
  origin = undefined;
});

/** Bodies of `size` bytes from `?size=N`; tags from `?tags=a,b`. */
async function sizedOrigin(): Promise<TestOrigin> {
  origin = await startOrigin((req, res) => {
    const url = new URL(req.url ?? "/", "http://origin");
    const size = Number(url.searchParams.get("size") ?? 10);
    const headers: Record<string, string> = { "cache-control": "max-age=600", "content-length": String(size) };
    const tags = url.searchParams.get("tags");
    if (tags) headers["surrogate-key"] = tags.replaceAll(",", " ");
    res.writeHead(200, headers);
    res.end("x".repeat(size));
  });
  return origin;
}

async function fill(cache: ReturnType<typeof createHttpCache>, server: TestOrigin, path: string, query = "") {
  const request = toRequest({ path, query });
  const response = await cache.serve(request, server.fetcherFor(request));
  return { response, body: await readBody(response) };
}

describe("memory store", () => {
  it("evicts least recently used objects and stays within maxBytes", async () => {
    const cache = createHttpCache({ maxBytes: 20_000 });
    const server = await sizedOrigin();
    for (let index = 0; index < 3; index += 1) await fill(cache, server, `/object-${index}`, "size=5000");
    await fill(cache, server, "/object-0", "size=5000");
    for (let index = 3; index < 8; index += 1) {
      await fill(cache, server, `/object-${index}`, "size=5000");
      expect(cache.stats().bytes).toBeLessThanOrEqual(20_000);
    }
    const stats = cache.stats();
    expect(stats.evictions).toBeGreaterThan(0);
    expect(stats.objects).toBeLessThan(8);
    expect(stats.maxBytes).toBe(20_000);
    expect((await fill(cache, server, "/object-7", "size=5000")).response.cacheOutcome).toBe("hit");
    expect((await fill(cache, server, "/object-1", "size=5000")).response.cacheOutcome).toBe("miss");
  });

  it("passes an answer larger than maxObjectBytes through whole without storing it", async () => {
    const cache = createHttpCache({ maxBytes: 10_000_000 });
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { "cache-control": "max-age=600" });
      // Chunked, so the size is only learnt while streaming.
      for (let chunk = 0; chunk < 32; chunk += 1) res.write("y".repeat(64 * 1024));
      res.end();
    });
    const request = toRequest({ rule: { maxObjectBytes: 100_000 } });
    const response = await cache.serve(request, origin.fetcherFor(request));
    expect((await readBody(response)).length).toBe(32 * 64 * 1024);
    expect(cache.stats().objects).toBe(0);
    expect(cache.stats().bytes).toBe(0);
  });

  it("refuses up front an answer whose Content-Length exceeds maxObjectBytes", async () => {
    const cache = createHttpCache({ maxBytes: 10_000_000 });
    const server = await sizedOrigin();
    const request = toRequest({ query: "size=5000", rule: { maxObjectBytes: 1000 } });
    const response = await cache.serve(request, server.fetcherFor(request));
    expect(response.headers["cache-status"]).toBe("concierge; fwd=uri-miss; detail=too-large");
    expect((await readBody(response)).length).toBe(5000);
  });

  it("counts the bytes it saved", async () => {
    const cache = createHttpCache({ maxBytes: 1_000_000 });
    const server = await sizedOrigin();
    await fill(cache, server, "/a", "size=300");
    const { response } = await fill(cache, server, "/a", "size=300");
    expect(response.bytesSaved).toBe(300);
    expect(cache.stats().bytesSaved).toBe(300);
  });
});

describe("purge", () => {
  it("purges by URL: every query variant without a query, only that query with one", async () => {
    const cache = createHttpCache({ maxBytes: 1_000_000 });
    const server = await sizedOrigin();
    await fill(cache, server, "/p", "size=1");
    await fill(cache, server, "/p", "size=2");
    await fill(cache, server, "/q", "size=1");
    expect(cache.purge({ url: "http://SHOP.example/p?size=2" })).toBe(1);
    expect(cache.purge({ url: "http://shop.example/p" })).toBe(1);
    expect(cache.stats().objects).toBe(1);
  });

  it("purges by prefix of scheme, host and path", async () => {
    const cache = createHttpCache({ maxBytes: 1_000_000 });
    const server = await sizedOrigin();
    await fill(cache, server, "/assets/a.css");
    await fill(cache, server, "/assets/img/b.png");
    await fill(cache, server, "/api/c");
    expect(cache.purge({ prefix: "http://shop.example/assets/" })).toBe(2);
    expect(cache.purge({ prefix: "https://shop.example/" })).toBe(0);
    expect(cache.stats().objects).toBe(1);
  });

  it("purges by Surrogate-Key or Cache-Tag", async () => {
    const cache = createHttpCache({ maxBytes: 1_000_000 });
    const server = await sizedOrigin();
    await fill(cache, server, "/one", "tags=product-1,catalog");
    await fill(cache, server, "/two", "tags=product-2,catalog");
    expect(cache.purge({ tag: "product-1" })).toBe(1);
    expect(cache.purge({ tag: "catalog" })).toBe(1);
    expect(cache.stats().objects).toBe(0);
    const again = await fill(cache, server, "/one", "tags=product-1,catalog");
    expect(again.response.cacheOutcome).toBe("miss");
  });
});
