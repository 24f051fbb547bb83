import type { ServerResponse } from "node:http";

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

async function waitFor(condition: () => boolean, deadlineMs = 5_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met before the deadline");
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

describe("request coalescing", () => {
  it("makes one origin fetch for 100 concurrent misses", async () => {
    const concurrent = 100;
    const cache = createHttpCache({ maxBytes: 1_000_000 });
    const held: ServerResponse[] = [];
    origin = await startOrigin((_req, res) => {
      held.push(res);
    });
    const request = toRequest();
    const pending = Array.from({ length: concurrent }, () =>
      Promise.resolve(cache.serve(request, origin!.fetcherFor(request))),
    );
    await waitFor(() => held.length === 1);
    held[0]!.writeHead(200, { "cache-control": "max-age=60" });
    held[0]!.end("shared");

    const responses = await Promise.all(pending);
    const bodies = await Promise.all(responses.map(readBody));
    expect(bodies).toEqual(Array.from({ length: concurrent }, () => "shared"));
    expect(origin.requests).toHaveLength(1);
    expect(
      responses.filter(
        (response) => response.headers["cache-status"] === "concierge; hit; detail=coalesced",
      ),
    ).toHaveLength(concurrent - 1);
    expect(cache.stats()).toMatchObject({
      coalesced: concurrent - 1,
      hits: concurrent - 1,
      misses: 1,
    });
  });

  it("sends each waiter to the origin when the answer is not storable", async () => {
    const cache = createHttpCache({ maxBytes: 1_000_000 });
    const held: ServerResponse[] = [];
    origin = await startOrigin((req, res, index) => {
      if (index === 0) {
        held.push(res);
        return;
      }
      res.writeHead(200, { "cache-control": "private, max-age=60" });
      res.end(`private ${index} for ${req.headers.cookie}`);
    });
    const requests = Array.from({ length: 5 }, (_, user) =>
      toRequest({ headers: { cookie: `user=${user}` } }),
    );
    const pending = requests.map((request) =>
      Promise.resolve(cache.serve(request, origin!.fetcherFor(request))),
    );
    await waitFor(() => held.length === 1);
    held[0]!.writeHead(200, { "cache-control": "private, max-age=60" });
    held[0]!.end("private 0 for user=0");

    const bodies = await Promise.all((await Promise.all(pending)).map(readBody));
    expect(bodies[0]).toBe("private 0 for user=0");
    for (const [user, body] of bodies.entries())
      expect(body).toMatch(new RegExp(`for user=${user}$`));
    expect(origin.requests).toHaveLength(5);
  });

  it("bounds the wait: waiters fetch themselves when the leader takes too long", async () => {
    const cache = createHttpCache({ maxBytes: 1_000_000, coalesceWaitMs: 100 });
    const held: ServerResponse[] = [];
    origin = await startOrigin((_req, res, index) => {
      if (index === 0) {
        held.push(res);
        return;
      }
      res.writeHead(200, { "cache-control": "max-age=60" });
      res.end(`answer ${index}`);
    });
    const request = toRequest();
    const leader = cache.serve(request, origin.fetcherFor(request));
    await waitFor(() => held.length === 1);
    const waiter = await cache.serve(request, origin.fetcherFor(request));
    expect(await readBody(waiter)).toBe("answer 1");

    held[0]!.writeHead(200, { "cache-control": "max-age=60" });
    held[0]!.end("answer 0");
    expect(await readBody(await leader)).toBe("answer 0");
  });

  it("never coalesces Authorization requests", async () => {
    const cache = createHttpCache({ maxBytes: 1_000_000 });
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { "cache-control": "max-age=60" });
      res.end(String(req.headers.authorization));
    });
    const requests = ["Bearer a", "Bearer b", "Bearer c"].map((authorization) =>
      toRequest({ headers: { authorization } }),
    );
    const bodies = await Promise.all(
      requests.map(async (request) =>
        readBody(await cache.serve(request, origin!.fetcherFor(request))),
      ),
    );
    expect(bodies).toEqual(["Bearer a", "Bearer b", "Bearer c"]);
  });
});
