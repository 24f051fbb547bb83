import { afterEach, describe, expect, it } from "vitest";

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

describe("revalidation", () => {
  it("revalidates with If-None-Match and updates the stored headers from the 304", async () => {
    const { clock, cache } = setup();
    origin = await startOrigin((req, res) => {
      if (req.headers["if-none-match"] === '"v1"') {
        res.writeHead(304, { etag: '"v1"', "cache-control": "max-age=100", "x-version": "two" });
        res.end();
        return;
      }
      res.writeHead(200, { etag: '"v1"', "cache-control": "max-age=10", "x-version": "one", "content-type": "text/plain" });
      res.end("body");
    });
    const request = toRequest();
    await readBody(await cache.serve(request, origin.fetcherFor(request)));
    clock.advanceSeconds(20);

    const revalidated = await cache.serve(request, origin.fetcherFor(request));
    expect(origin.requests[1]?.headers["if-none-match"]).toBe('"v1"');
    expect(revalidated.headers["cache-status"]).toBe("concierge; fwd=stale; fwd-status=304");
    expect(revalidated.cacheOutcome).toBe("revalidated");
    expect(revalidated.headers["x-version"]).toBe("two");
    expect(revalidated.headers["content-type"]).toBe("text/plain");
    expect(revalidated.headers.age).toBe("0");
    expect(await readBody(revalidated)).toBe("body");

    clock.advanceSeconds(50);
    const hit = await cache.serve(request, origin.fetcherFor(request));
    expect(hit.cacheOutcome).toBe("hit");
    expect(hit.headers["x-version"]).toBe("two");
    expect(origin.requests).toHaveLength(2);
  });

  it("revalidates with If-Modified-Since when only Last-Modified is known", async () => {
    const { clock, cache } = setup();
    const lastModified = new Date(Date.now() - 3_600_000).toUTCString();
    origin = await startOrigin((req, res) => {
      if (req.headers["if-modified-since"] === lastModified) {
        res.writeHead(304, { "cache-control": "max-age=10" });
        res.end();
        return;
      }
      res.writeHead(200, { "last-modified": lastModified, "cache-control": "max-age=10" });
      res.end("body");
    });
    const request = toRequest();
    await readBody(await cache.serve(request, origin.fetcherFor(request)));
    clock.advanceSeconds(11);
    const revalidated = await cache.serve(request, origin.fetcherFor(request));
    expect(revalidated.statusCode).toBe(200);
    expect(revalidated.cacheOutcome).toBe("revalidated");
    expect(await readBody(revalidated)).toBe("body");
  });

  it("replaces the stored answer when the origin sends a new one", async () => {
    const { clock, cache } = setup();
    origin = await startOrigin((_req, res, index) => {
      res.writeHead(200, { etag: `"v${index}"`, "cache-control": "max-age=10" });
      res.end(`version ${index}`);
    });
    const request = toRequest();
    await readBody(await cache.serve(request, origin.fetcherFor(request)));
    clock.advanceSeconds(11);
    const replaced = await cache.serve(request, origin.fetcherFor(request));
    expect(replaced.headers["cache-status"]).toBe("concierge; fwd=stale; fwd-status=200; stored");
    expect(await readBody(replaced)).toBe("version 1");
    expect(await readBody(await cache.serve(request, origin.fetcherFor(request)))).toBe("version 1");
    expect(cache.stats().objects).toBe(1);
  });

  it("answers a client's conditional request with 304 from a fresh stored answer", async () => {
    const { cache } = setup();
    const lastModified = new Date(Date.now() - 3_600_000).toUTCString();
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { etag: 'W/"v1"', "last-modified": lastModified, "cache-control": "max-age=60" });
      res.end("body");
    });
    const plain = toRequest();
    await readBody(await cache.serve(plain, origin.fetcherFor(plain)));

    const byTag = toRequest({ headers: { "if-none-match": '"v0", "v1"' } });
    const notModified = await cache.serve(byTag, origin.fetcherFor(byTag));
    expect(notModified.statusCode).toBe(304);
    expect(notModified.body).toBeNull();
    expect(notModified.headers.etag).toBe('W/"v1"');
    expect(notModified.headers["cache-status"]).toBe("concierge; hit");
    expect(notModified.headers.age).toBeDefined();

    const byDate = toRequest({ headers: { "if-modified-since": new Date().toUTCString() } });
    expect((await cache.serve(byDate, origin.fetcherFor(byDate))).statusCode).toBe(304);
    const changed = toRequest({ headers: { "if-none-match": '"v0"' } });
    expect((await cache.serve(changed, origin.fetcherFor(changed))).statusCode).toBe(200);
    expect(origin.requests).toHaveLength(1);
  });

  it("does not forward a client's conditionals on a miss, so the full answer can be stored", async () => {
    const { cache } = setup();
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { etag: '"v1"', "cache-control": "max-age=60" });
      res.end(req.headers["if-none-match"] === undefined ? "full" : "conditional");
    });
    const request = toRequest({ headers: { "if-none-match": '"v1"' } });
    const response = await cache.serve(request, origin.fetcherFor(request));
    expect(await readBody(response)).toBe("full");
    expect(cache.stats().objects).toBe(1);
  });

  it("serves HEAD from a stored GET without a body", async () => {
    const { cache } = setup();
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { "cache-control": "max-age=60", "content-type": "text/plain" });
      res.end("twelve bytes");
    });
    const get = toRequest();
    await readBody(await cache.serve(get, origin.fetcherFor(get)));
    const head = toRequest({ method: "HEAD" });
    const response = await cache.serve(head, origin.fetcherFor(head));
    expect(response.statusCode).toBe(200);
    expect(response.body).toBeNull();
    expect(response.headers["content-length"]).toBe("12");
    expect(response.headers["cache-status"]).toBe("concierge; hit");
    expect(origin.requests).toHaveLength(1);
  });
});

describe("invalidation after unsafe methods", () => {
  async function storingOrigin(): Promise<TestOrigin> {
    origin = await startOrigin((req, res, index) => {
      if (req.method === "POST") {
        const status = req.url === "/fail" ? 500 : 201;
        res.writeHead(status, {
          location: "/created",
          "content-location": "http://other.example/item",
        });
        res.end();
        return;
      }
      res.writeHead(200, { "cache-control": "max-age=600" });
      res.end(`get ${index}`);
    });
    return origin;
  }

  async function warm(cache: ReturnType<typeof createHttpCache>, server: TestOrigin, path: string, host?: string) {
    const request = toRequest({ path, host });
    await readBody(await cache.serve(request, server.fetcherFor(request)));
  }

  it("invalidates the target URI and a same-origin Location, not another origin's", async () => {
    const { cache } = setup();
    const server = await storingOrigin();
    await warm(cache, server, "/item");
    await warm(cache, server, "/created");
    await warm(cache, server, "/item", "other.example");
    expect(cache.stats().objects).toBe(3);

    const post = toRequest({ method: "POST", path: "/item" });
    const response = await cache.serve(post, server.fetcherFor(post));
    expect(response.headers["cache-status"]).toBe("concierge; fwd=method");
    expect(response.statusCode).toBe(201);
    expect(cache.stats().objects).toBe(1);
    const other = toRequest({ path: "/item", host: "other.example" });
    expect((await cache.serve(other, server.fetcherFor(other))).cacheOutcome).toBe("hit");
  });

  it("keeps stored answers when the unsafe request failed", async () => {
    const { cache } = setup();
    const server = await storingOrigin();
    await warm(cache, server, "/fail");
    const post = toRequest({ method: "POST", path: "/fail" });
    expect((await cache.serve(post, server.fetcherFor(post))).statusCode).toBe(500);
    expect(cache.stats().objects).toBe(1);
  });

  it("keeps the stored Content-MD5 when a 304 carries another: it describes the stored body", async () => {
    const { clock, cache } = setup();
    origin = await startOrigin((req, res) => {
      if (req.headers["if-none-match"] === '"v1"') {
        res.writeHead(304, { etag: '"v1"', "cache-control": "max-age=10", "content-md5": "other" });
        res.end();
        return;
      }
      res.writeHead(200, { etag: '"v1"', "cache-control": "max-age=10", "content-md5": "original" });
      res.end("body");
    });
    const request = toRequest();
    await readBody(await cache.serve(request, origin.fetcherFor(request)));
    clock.advanceSeconds(11);
    const revalidated = await cache.serve(request, origin.fetcherFor(request));
    expect(revalidated.cacheOutcome).toBe("revalidated");
    expect(revalidated.headers["content-md5"]).toBe("original");
  });

  it("answers If-Modified-Since from the stored Date when there is no Last-Modified", async () => {
    const { cache } = setup();
    const date = new Date(Date.now() - 60_000);
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { "cache-control": "max-age=3600", date: date.toUTCString() });
      res.end("body");
    });
    await readBody(await cache.serve(toRequest(), origin.fetcherFor(toRequest())));

    const later = toRequest({ headers: { "if-modified-since": new Date(date.getTime() + 30_000).toUTCString() } });
    expect((await cache.serve(later, origin.fetcherFor(later))).statusCode).toBe(304);
    const earlier = toRequest({ headers: { "if-modified-since": new Date(date.getTime() - 30_000).toUTCString() } });
    const full = await cache.serve(earlier, origin.fetcherFor(earlier));
    expect(full.statusCode).toBe(200);
    expect(await readBody(full)).toBe("body");
    expect(origin.requests).toHaveLength(1);
  });
});

