import { afterEach, describe, expect, it } from "vitest";

import { createHttpCache } from "../../src/cache/http-cache.ts";
import { createClock, readBody, toRequest } from "./harness.ts";
import type { OriginHandler, TestOrigin } from "./origin-server.ts";
import { startOrigin } from "./origin-server.ts";

let origin: TestOrigin | undefined;
afterEach(async () => {
  await origin?.close();
  origin = undefined;
});

/** An origin answering every request with these headers and a body naming the request's index. */
async function originWith(headers: Record<string, string | string[]>, statusCode = 200): Promise<TestOrigin> {
  const handler: OriginHandler = (_req, res, index) => {
    res.writeHead(statusCode, headers);
    res.end(`answer ${index}`);
  };
  origin = await startOrigin(handler);
  return origin;
}

function setup() {
  const clock = createClock();
  const cache = createHttpCache({ maxBytes: 1_000_000, now: clock.now });
  return { clock, cache };
}

describe("freshness", () => {
  it("stores a max-age answer, serves it with Age and Cache-Status, and refetches once stale", async () => {
    const { clock, cache } = setup();
    const server = await originWith({ "cache-control": "max-age=60" });
    const request = toRequest();

    const first = await cache.serve(request, server.fetcherFor(request));
    expect(first.headers["cache-status"]).toBe("concierge; fwd=uri-miss; stored");
    expect(first.cacheOutcome).toBe("miss");
    expect(await readBody(first)).toBe("answer 0");

    clock.advanceSeconds(30);
    const second = await cache.serve(request, server.fetcherFor(request));
    expect(second.headers["cache-status"]).toBe("concierge; hit");
    expect(second.headers.age).toBe("30");
    expect(second.cacheOutcome).toBe("hit");
    expect(await readBody(second)).toBe("answer 0");

    clock.advanceSeconds(31);
    const third = await cache.serve(request, server.fetcherFor(request));
    expect(third.headers["cache-status"]).toBe("concierge; fwd=stale; fwd-status=200; stored");
    expect(await readBody(third)).toBe("answer 1");
    expect(server.requests).toHaveLength(2);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2, objects: 1 });
  });

  it("prefers s-maxage over max-age in a shared cache", async () => {
    const { clock, cache } = setup();
    const server = await originWith({ "cache-control": "max-age=10, s-maxage=100" });
    const request = toRequest();
    await readBody(await cache.serve(request, server.fetcherFor(request)));
    clock.advanceSeconds(50);
    expect((await cache.serve(request, server.fetcherFor(request))).cacheOutcome).toBe("hit");
    clock.advanceSeconds(51);
    expect((await cache.serve(request, server.fetcherFor(request))).cacheOutcome).toBe("miss");
  });

  it("counts the origin's Age into the stored answer's age", async () => {
    const { clock, cache } = setup();
    const server = await originWith({ "cache-control": "max-age=60", age: "50" });
    const request = toRequest();
    await readBody(await cache.serve(request, server.fetcherFor(request)));
    clock.advanceSeconds(5);
    const hit = await cache.serve(request, server.fetcherFor(request));
    expect(hit.headers.age).toBe("55");
    clock.advanceSeconds(6);
    expect((await cache.serve(request, server.fetcherFor(request))).cacheOutcome).toBe("miss");
  });

  it("takes freshness from Expires relative to Date", async () => {
    const { clock, cache } = setup();
    const date = new Date();
    const server = await originWith({
      date: date.toUTCString(),
      expires: new Date(date.getTime() + 120_000).toUTCString(),
    });
    const request = toRequest();
    await readBody(await cache.serve(request, server.fetcherFor(request)));
    clock.advanceSeconds(100);
    expect((await cache.serve(request, server.fetcherFor(request))).cacheOutcome).toBe("hit");
    clock.advanceSeconds(30);
    expect((await cache.serve(request, server.fetcherFor(request))).cacheOutcome).toBe("miss");
  });

  it("treats an invalid Expires as already expired", async () => {
    const { cache } = setup();
    const server = await originWith({ expires: "0" });
    const request = toRequest();
    await readBody(await cache.serve(request, server.fetcherFor(request)));
    expect((await cache.serve(request, server.fetcherFor(request))).cacheOutcome).toBe("miss");
    expect(server.requests).toHaveLength(2);
  });

  it("uses a tenth of the time since Last-Modified as a heuristic lifetime for a 200", async () => {
    const { clock, cache } = setup();
    const date = new Date();
    const server = await originWith({
      date: date.toUTCString(),
      "last-modified": new Date(date.getTime() - 1_000_000).toUTCString(),
    });
    const request = toRequest();
    await readBody(await cache.serve(request, server.fetcherFor(request)));
    clock.advanceSeconds(90);
    expect((await cache.serve(request, server.fetcherFor(request))).cacheOutcome).toBe("hit");
    clock.advanceSeconds(20);
    const after = await cache.serve(request, server.fetcherFor(request));
    expect(after.headers["cache-status"]).toContain("fwd=stale");
  });

  it("never applies heuristics to a status that is not cacheable by default", async () => {
    const { cache } = setup();
    const server = await originWith(
      { location: "/elsewhere", "last-modified": new Date(Date.now() - 1_000_000).toUTCString() },
      302,
    );
    const request = toRequest({ rule: { defaultTtlSeconds: 300 } });
    const first = await cache.serve(request, server.fetcherFor(request));
    expect(first.headers["cache-status"]).toBe("concierge; fwd=uri-miss; detail=not-storable");
    await readBody(first);
    await readBody(await cache.serve(request, server.fetcherFor(request)));
    expect(server.requests).toHaveLength(2);
  });

  it("stores a no-cache answer but revalidates it before every use", async () => {
    const { cache } = setup();
    origin = await startOrigin((req, res, index) => {
      if (req.headers["if-none-match"] === '"v1"') {
        res.writeHead(304, { etag: '"v1"', "cache-control": "no-cache" });
        res.end();
        return;
      }
      res.writeHead(200, { etag: '"v1"', "cache-control": "no-cache" });
      res.end(`answer ${index}`);
    });
    const request = toRequest();
    await readBody(await cache.serve(request, origin.fetcherFor(request)));
    const second = await cache.serve(request, origin.fetcherFor(request));
    expect(second.headers["cache-status"]).toBe("concierge; fwd=stale; fwd-status=304");
    expect(second.cacheOutcome).toBe("revalidated");
    expect(await readBody(second)).toBe("answer 0");
    expect(origin.requests).toHaveLength(2);
  });

  it("applies a rule's default TTL only when the origin gives no freshness", async () => {
    const { clock, cache } = setup();
    const server = await originWith({});
    const request = toRequest({ rule: { defaultTtlSeconds: 30 } });
    await readBody(await cache.serve(request, server.fetcherFor(request)));
    clock.advanceSeconds(20);
    expect((await cache.serve(request, server.fetcherFor(request))).cacheOutcome).toBe("hit");
    clock.advanceSeconds(20);
    expect((await cache.serve(request, server.fetcherFor(request))).cacheOutcome).toBe("miss");
  });

  it("keeps the origin's max-age over a rule's default TTL", async () => {
    const { clock, cache } = setup();
    const server = await originWith({ "cache-control": "max-age=5" });
    const request = toRequest({ rule: { defaultTtlSeconds: 300 } });
    await readBody(await cache.serve(request, server.fetcherFor(request)));
    clock.advanceSeconds(10);
    expect((await cache.serve(request, server.fetcherFor(request))).cacheOutcome).toBe("miss");
  });

  it("replaces the origin's lifetime with a rule's TTL override", async () => {
    const { clock, cache } = setup();
    const server = await originWith({ "cache-control": "max-age=5" });
    const request = toRequest({ rule: { ttlOverrideSeconds: 300 } });
    await readBody(await cache.serve(request, server.fetcherFor(request)));
    clock.advanceSeconds(200);
    expect((await cache.serve(request, server.fetcherFor(request))).cacheOutcome).toBe("hit");
  });

  it("answers a request's no-cache, Pragma: no-cache and a max-age it exceeds from the origin", async () => {
    const { clock, cache } = setup();
    const server = await originWith({ "cache-control": "max-age=60" });
    await readBody(await cache.serve(toRequest(), server.fetcherFor(toRequest())));
    for (const headers of [{ "cache-control": "no-cache" }, { pragma: "no-cache" }, { "cache-control": "max-age=0" }]) {
      clock.advanceSeconds(1);
      const request = toRequest({ headers });
      const response = await cache.serve(request, server.fetcherFor(request));
      expect(response.headers["cache-status"], JSON.stringify(headers)).toBe(
        "concierge; fwd=request; fwd-status=200; stored",
      );
      await readBody(response);
    }
    expect(server.requests).toHaveLength(4);
  });

  it("serves stale within a client's max-stale unless the answer says must-revalidate", async () => {
    const { clock, cache } = setup();
    const server = await originWith({ "cache-control": "max-age=10" });
    await readBody(await cache.serve(toRequest(), server.fetcherFor(toRequest())));
    clock.advanceSeconds(15);
    const request = toRequest({ headers: { "cache-control": "max-stale=10" } });
    const stale = await cache.serve(request, server.fetcherFor(request));
    expect(stale.headers["cache-status"]).toBe("concierge; hit; detail=max-stale");
    expect(server.requests).toHaveLength(1);

    const strict = await originWith({ "cache-control": "max-age=10, must-revalidate" });
    const strictRequest = toRequest({ path: "/strict", headers: { "cache-control": "max-stale=100" } });
    await readBody(await cache.serve(strictRequest, strict.fetcherFor(strictRequest)));
    clock.advanceSeconds(15);
    expect((await cache.serve(strictRequest, strict.fetcherFor(strictRequest))).cacheOutcome).toBe("miss");
    await server.close();
  });

  it("stores an error status that carries explicit freshness, and not one without", async () => {
    const { clock, cache } = setup();
    const server = await originWith({ "cache-control": "max-age=60" }, 500);
    const request = toRequest();
    await readBody(await cache.serve(request, server.fetcherFor(request)));
    clock.advanceSeconds(10);
    const hit = await cache.serve(request, server.fetcherFor(request));
    expect(hit.statusCode).toBe(500);
    expect(hit.cacheOutcome).toBe("hit");
    await server.close();

    const bare = await originWith({ "last-modified": new Date(Date.now() - 86_400_000).toUTCString() }, 503);
    const first = await cache.serve(toRequest({ path: "/bare" }), bare.fetcherFor(toRequest({ path: "/bare" })));
    expect(first.headers["cache-status"]).toBe("concierge; fwd=uri-miss; detail=not-storable");
    await readBody(first);
  });

  it("gives heuristic freshness to an unknown status only when the answer says public", async () => {
    const { clock, cache } = setup();
    const lastModified = new Date(Date.now() - 86_400_000).toUTCString();
    const server = await originWith({ "last-modified": lastModified, date: new Date().toUTCString(), "cache-control": "public" }, 599);
    const request = toRequest();
    await readBody(await cache.serve(request, server.fetcherFor(request)));
    clock.advanceSeconds(60);
    const hit = await cache.serve(request, server.fetcherFor(request));
    expect(hit.statusCode).toBe(599);
    expect(hit.cacheOutcome).toBe("hit");
    expect(server.requests).toHaveLength(1);
  });

  it("counts Expires from the arrival time when Date is invalid", async () => {
    const { clock, cache } = setup();
    const server = await originWith({ date: "foo", expires: new Date(Date.now() + 60_000).toUTCString() });
    const request = toRequest();
    await readBody(await cache.serve(request, server.fetcherFor(request)));
    clock.advanceSeconds(5);
    expect((await cache.serve(request, server.fetcherFor(request))).cacheOutcome).toBe("hit");
    clock.advanceSeconds(120);
    const stale = await cache.serve(request, server.fetcherFor(request));
    expect(stale.cacheOutcome).toBe("miss");
    await readBody(stale);
  });
});
