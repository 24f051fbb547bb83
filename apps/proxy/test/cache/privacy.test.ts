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

/** Each answer names the request that caused it, so a leak to another client shows in the body. */
async function originWith(headers: Record<string, string | string[]>): Promise<TestOrigin> {
  origin = await startOrigin((req, res, index) => {
    res.writeHead(200, headers);
    res.end(`answer ${index} for ${req.headers.authorization ?? req.headers.cookie ?? "anonymous"}`);
  });
  return origin;
}

function setup() {
  const clock = createClock();
  return { clock, cache: createHttpCache({ maxBytes: 1_000_000, now: clock.now }) };
}

describe("privacy", () => {
  it.each([
    ["no-store", "max-age=60, no-store"],
    ["private", "max-age=60, private"],
  ])("never stores a %s answer, even under a TTL override", async (detail, cacheControl) => {
    const { cache } = setup();
    const server = await originWith({ "cache-control": cacheControl });
    const alice = toRequest({ headers: { cookie: "user=alice" }, rule: { ttlOverrideSeconds: 600 } });
    const first = await cache.serve(alice, server.fetcherFor(alice));
    expect(first.headers["cache-status"]).toBe(`concierge; fwd=uri-miss; detail=${detail}`);
    expect(await readBody(first)).toBe("answer 0 for user=alice");

    const bob = toRequest({ headers: { cookie: "user=bob" }, rule: { ttlOverrideSeconds: 600 } });
    expect(await readBody(await cache.serve(bob, server.fetcherFor(bob)))).toBe("answer 1 for user=bob");
    expect(cache.stats().objects).toBe(0);
  });

  it("does not store when the request says no-store", async () => {
    const { cache } = setup();
    const server = await originWith({ "cache-control": "max-age=60" });
    const request = toRequest({ headers: { "cache-control": "no-store" } });
    const response = await cache.serve(request, server.fetcherFor(request));
    expect(response.headers["cache-status"]).toBe("concierge; fwd=uri-miss; detail=request-no-store");
    await readBody(response);
    expect(cache.stats().objects).toBe(0);
  });

  it("neither stores nor serves an answer to an Authorization request without public, s-maxage or must-revalidate", async () => {
    const { cache } = setup();
    const server = await originWith({ "cache-control": "max-age=60" });
    const alice = toRequest({ headers: { authorization: "Bearer alice" } });
    const first = await cache.serve(alice, server.fetcherFor(alice));
    expect(first.headers["cache-status"]).toBe("concierge; fwd=uri-miss; detail=authorization");
    await readBody(first);

    const anonymous = toRequest();
    expect(await readBody(await cache.serve(anonymous, server.fetcherFor(anonymous)))).toBe("answer 1 for anonymous");
    // The anonymous answer is stored now, but Authorization requests still go to the origin.
    const bob = toRequest({ headers: { authorization: "Bearer bob" } });
    const third = await cache.serve(bob, server.fetcherFor(bob));
    expect(third.headers["cache-status"]).toContain("fwd=request");
    expect(await readBody(third)).toBe("answer 2 for Bearer bob");
    expect(server.requests).toHaveLength(3);
  });

  it.each(["public, max-age=60", "s-maxage=60", "max-age=60, must-revalidate"])(
    "stores and reuses an authenticated answer that says %s",
    async (cacheControl) => {
      const { cache } = setup();
      const server = await originWith({ "cache-control": cacheControl });
      const alice = toRequest({ headers: { authorization: "Bearer alice" } });
      const first = await cache.serve(alice, server.fetcherFor(alice));
      expect(first.headers["cache-status"]).toBe("concierge; fwd=uri-miss; stored");
      await readBody(first);
      const bob = toRequest({ headers: { authorization: "Bearer bob" } });
      const second = await cache.serve(bob, server.fetcherFor(bob));
      expect(second.cacheOutcome).toBe("hit");
      expect(await readBody(second)).toBe("answer 0 for Bearer alice");
    },
  );

  it("does not store a Set-Cookie answer by default", async () => {
    const { cache } = setup();
    const server = await originWith({ "cache-control": "max-age=60", "set-cookie": "session=secret" });
    const request = toRequest();
    const first = await cache.serve(request, server.fetcherFor(request));
    expect(first.headers["cache-status"]).toBe("concierge; fwd=uri-miss; detail=set-cookie");
    expect(String(first.headers["set-cookie"])).toBe("session=secret");
    await readBody(first);
    const second = await cache.serve(request, server.fetcherFor(request));
    expect(second.cacheOutcome).toBe("miss");
    await readBody(second);
    expect(cache.stats().objects).toBe(0);
  });

  it("stores a Set-Cookie answer without the cookie under storeSetCookie; the first client keeps it", async () => {
    const { cache } = setup();
    const server = await originWith({ "cache-control": "max-age=60", "set-cookie": "session=secret" });
    const request = toRequest({ rule: { storeSetCookie: true } });
    const first = await cache.serve(request, server.fetcherFor(request));
    expect(String(first.headers["set-cookie"])).toBe("session=secret");
    expect(first.headers["cache-status"]).toBe("concierge; fwd=uri-miss; stored");
    await readBody(first);
    const second = await cache.serve(request, server.fetcherFor(request));
    expect(second.cacheOutcome).toBe("hit");
    expect(second.headers["set-cookie"]).toBeUndefined();
    expect(await readBody(second)).toBe("answer 0 for anonymous");
  });

  it("bypasses the cache for requests carrying a bypass cookie", async () => {
    const { cache } = setup();
    const server = await originWith({ "cache-control": "max-age=60" });
    const plain = toRequest({ rule: { bypassCookies: ["session"] } });
    await readBody(await cache.serve(plain, server.fetcherFor(plain)));
    const withSession = toRequest({ headers: { cookie: "theme=dark; session=abc" }, rule: { bypassCookies: ["session"] } });
    const response = await cache.serve(withSession, server.fetcherFor(withSession));
    expect(response.headers["cache-status"]).toBe("concierge; fwd=bypass; detail=cookie");
    expect(response.cacheOutcome).toBe("bypass");
    expect(await readBody(response)).toBe("answer 1 for theme=dark; session=abc");
    expect(cache.stats().objects).toBe(1);
  });
});
