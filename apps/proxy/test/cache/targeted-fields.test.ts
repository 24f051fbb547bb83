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

async function originWith(headers: Record<string, string>): Promise<TestOrigin> {
  origin = await startOrigin((_req, res, index) => {
    res.writeHead(200, headers);
    res.end(`answer ${index}`);
  });
  return origin;
}

/** Serves the same request twice, `secondsBetween` apart, and says where the second answer came from. */
async function secondOutcome(headers: Record<string, string>, secondsBetween: number) {
  const { clock, cache } = setup();
  const server = await originWith(headers);
  const request = toRequest();
  const first = await cache.serve(request, server.fetcherFor(request));
  await readBody(first);
  clock.advanceSeconds(secondsBetween);
  const second = await cache.serve(request, server.fetcherFor(request));
  await readBody(second);
  return { first, second, server };
}

describe("targeted cache fields (RFC 9213, Edge Architecture 1.0)", () => {
  it("lets Surrogate-Control lengthen the freshness Cache-Control gives", async () => {
    const { second } = await secondOutcome({ "cache-control": "max-age=1", "surrogate-control": "max-age=3600" }, 10);
    expect(second.cacheOutcome).toBe("hit");
  });

  it("lets Surrogate-Control shorten it, and replace Expires", async () => {
    const inAnHour = new Date(Date.now() + 3_600_000).toUTCString();
    const shorter = await secondOutcome({ "cache-control": "max-age=3600", "surrogate-control": "max-age=1" }, 10);
    expect(shorter.second.cacheOutcome).toBe("miss");
    await origin?.close();
    const zero = await secondOutcome({ expires: inAnHour, date: new Date().toUTCString(), "surrogate-control": "max-age=0" }, 1);
    expect(zero.second.cacheOutcome).toBe("miss");
  });

  it("does not store an answer whose Surrogate-Control says no-store", async () => {
    const { first, server } = await secondOutcome({ "cache-control": "max-age=3600", "surrogate-control": "no-store" }, 1);
    expect(first.headers["cache-status"]).toBe("concierge; fwd=uri-miss; detail=no-store");
    expect(server.requests).toHaveLength(2);
  });

  it("announces itself in Surrogate-Capability and honours only directives targeted at it", async () => {
    const mine = await secondOutcome({ "surrogate-control": "max-age=3600;concierge" }, 10);
    expect(mine.server.requests[0]?.headers["surrogate-capability"]).toBe('concierge="Surrogate/1.0"');
    expect(mine.second.cacheOutcome).toBe("hit");
    await origin?.close();
    const theirs = await secondOutcome({ "cache-control": "max-age=1", "surrogate-control": "max-age=3600;other" }, 10);
    expect(theirs.second.cacheOutcome).toBe("miss");
  });

  it("prefers CDN-Cache-Control over Surrogate-Control and Cache-Control", async () => {
    const { second } = await secondOutcome(
      { "cache-control": "max-age=3600", "surrogate-control": "max-age=3600", "cdn-cache-control": "max-age=5" },
      10,
    );
    expect(second.cacheOutcome).toBe("miss");
  });

  it("never stores what Cache-Control marks private or no-store, whatever a targeted field says", async () => {
    const privateAnswer = await secondOutcome({ "cache-control": "private", "cdn-cache-control": "max-age=3600" }, 1);
    expect(privateAnswer.first.headers["cache-status"]).toBe("concierge; fwd=uri-miss; detail=private");
    expect(privateAnswer.server.requests).toHaveLength(2);
    await origin?.close();
    const noStore = await secondOutcome({ "cache-control": "no-store", "surrogate-control": "max-age=3600" }, 1);
    expect(noStore.first.headers["cache-status"]).toBe("concierge; fwd=uri-miss; detail=no-store");
    expect(noStore.server.requests).toHaveLength(2);
  });
});
