import { afterEach, describe, expect, it } from "vitest";

import { createHttpCache } from "../../src/cache/http-cache.ts";
import type { FetchOrigin, ProxyResponse } from "../../src/origin.ts";
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

async function waitFor(condition: () => boolean, deadlineMs = 5_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met before the deadline");
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

async function waitForServed(
  serve: () => ProxyResponse | Promise<ProxyResponse>,
  deadlineMs = 5_000,
): Promise<ProxyResponse> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const response = await serve();
    if (response.cacheOutcome === "hit" || Date.now() > deadline) return response;
    await readBody(response);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

describe("stale-while-revalidate", () => {
  it("serves stale at once and refreshes once in the background", async () => {
    const { clock, cache } = setup();
    origin = await startOrigin((_req, res, index) => {
      res.writeHead(200, { "cache-control": "max-age=10, stale-while-revalidate=30" });
      res.end(`version ${index}`);
    });
    const request = toRequest();
    await readBody(await cache.serve(request, origin.fetcherFor(request)));
    clock.advanceSeconds(15);

    const stale = await Promise.all(
      Array.from({ length: 5 }, () =>
        Promise.resolve(cache.serve(request, origin!.fetcherFor(request))),
      ),
    );
    for (const response of stale) {
      expect(response.headers["cache-status"]).toBe(
        "concierge; hit; detail=stale-while-revalidate",
      );
      expect(response.cacheOutcome).toBe("stale");
      expect(await readBody(response)).toBe("version 0");
    }
    await waitFor(() => origin!.requests.length === 2);
    // The refreshed object is stored once its body has been read in the background.
    const refreshed = await waitForServed(() => cache.serve(request, origin!.fetcherFor(request)));
    expect(await readBody(refreshed)).toBe("version 1");
    expect(origin.requests).toHaveLength(2);
  });

  it("takes the window from the rule when the origin gives none", async () => {
    const { clock, cache } = setup();
    origin = await startOrigin((_req, res, index) => {
      res.writeHead(200, { "cache-control": "max-age=10" });
      res.end(`version ${index}`);
    });
    const request = toRequest({ rule: { staleWhileRevalidateSeconds: 30 } });
    await readBody(await cache.serve(request, origin.fetcherFor(request)));
    clock.advanceSeconds(35);
    expect((await cache.serve(request, origin.fetcherFor(request))).cacheOutcome).toBe("stale");
    clock.advanceSeconds(10);
    await waitFor(() => origin!.requests.length === 2);
    const outside = await cache.serve(request, origin.fetcherFor(request));
    expect(outside.cacheOutcome).not.toBe("stale");
  });
});

describe("stale-if-error", () => {
  it("serves stale when the origin answers 5xx within the window, and the error after it", async () => {
    const { clock, cache } = setup();
    origin = await startOrigin((_req, res, index) => {
      if (index === 0) {
        res.writeHead(200, { "cache-control": "max-age=10, stale-if-error=60" });
        res.end("good");
        return;
      }
      res.writeHead(503, { "content-type": "text/plain" });
      res.end("down");
    });
    const request = toRequest();
    await readBody(await cache.serve(request, origin.fetcherFor(request)));
    clock.advanceSeconds(30);
    const stale = await cache.serve(request, origin.fetcherFor(request));
    expect(stale.statusCode).toBe(200);
    expect(stale.headers["cache-status"]).toBe("concierge; hit; detail=stale-if-error");
    expect(await readBody(stale)).toBe("good");

    clock.advanceSeconds(60);
    const failed = await cache.serve(request, origin.fetcherFor(request));
    expect(failed.statusCode).toBe(503);
    expect(await readBody(failed)).toBe("down");
  });

  it("serves stale when the origin cannot be reached, within the rule's window", async () => {
    const { clock, cache } = setup();
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { "cache-control": "max-age=10" });
      res.end("good");
    });
    const request = toRequest({ rule: { staleIfErrorSeconds: 60 } });
    await readBody(await cache.serve(request, origin.fetcherFor(request)));
    const unreachable: FetchOrigin = origin.fetcherFor(request);
    await origin.close();
    origin = undefined;

    clock.advanceSeconds(30);
    const stale = await cache.serve(request, unreachable);
    expect(stale.headers["cache-status"]).toBe("concierge; hit; detail=stale-if-error");
    expect(await readBody(stale)).toBe("good");
    clock.advanceSeconds(60);
    await expect(cache.serve(request, unreachable)).rejects.toThrow();
  });

  it("never serves a must-revalidate answer stale", async () => {
    const { clock, cache } = setup();
    origin = await startOrigin((_req, res, index) => {
      res.writeHead(index === 0 ? 200 : 500, {
        "cache-control": "max-age=10, must-revalidate, stale-if-error=60",
      });
      res.end(index === 0 ? "good" : "error");
    });
    const request = toRequest({ rule: { staleIfErrorSeconds: 60 } });
    await readBody(await cache.serve(request, origin.fetcherFor(request)));
    clock.advanceSeconds(20);
    const response = await cache.serve(request, origin.fetcherFor(request));
    expect(response.statusCode).toBe(500);
    expect(await readBody(response)).toBe("error");
  });
});
