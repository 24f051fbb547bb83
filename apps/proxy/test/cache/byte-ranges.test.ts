import { afterEach, describe, expect, it } from "vitest";

import { createHttpCache } from "../../src/cache/http-cache.ts";
import { toByteRange } from "../../src/cache/byte-range.ts";
import { readBody, toRequest } from "./harness.ts";
import type { TestOrigin } from "./origin-server.ts";
import { startOrigin } from "./origin-server.ts";

let origin: TestOrigin | undefined;
afterEach(async () => {
  await origin?.close();
  origin = undefined;
});

async function storedDigits() {
  const cache = createHttpCache({ maxBytes: 1_000_000 });
  origin = await startOrigin((req, res) => {
    if (req.headers.range !== undefined) {
      res.writeHead(206, { "content-range": "bytes 0-0/11", "cache-control": "max-age=3600" });
      res.end("0");
      return;
    }
    res.writeHead(200, { "cache-control": "max-age=3600", "content-type": "text/plain" });
    res.end("0123456789A");
  });
  const request = toRequest();
  await readBody(await cache.serve(request, origin.fetcherFor(request)));
  return { cache, server: origin };
}

describe("byte ranges", () => {
  it("cuts a single range from a fresh stored answer", async () => {
    const { cache, server } = await storedDigits();
    for (const [range, body, contentRange] of [
      ["bytes=0-1", "01", "bytes 0-1/11"],
      ["bytes=1-", "123456789A", "bytes 1-10/11"],
      ["bytes=-1", "A", "bytes 10-10/11"],
      ["bytes=9-99", "9A", "bytes 9-10/11"],
    ] as const) {
      const request = toRequest({ headers: { range } });
      const answer = await cache.serve(request, server.fetcherFor(request));
      expect(answer.statusCode).toBe(206);
      expect(answer.cacheOutcome).toBe("hit");
      expect(answer.headers["content-range"]).toBe(contentRange);
      expect(answer.headers["content-length"]).toBe(String(body.length));
      expect(await readBody(answer)).toBe(body);
    }
    expect(server.requests).toHaveLength(1);
  });

  it("sends several ranges, If-Range and unsatisfiable ranges to the origin and stores nothing of them", async () => {
    const { cache, server } = await storedDigits();
    for (const headers of [{ range: "bytes=0-1,3-4" }, { range: "bytes=0-0", "if-range": '"v1"' }, { range: "bytes=20-" }]) {
      const request = toRequest({ headers });
      const answer = await cache.serve(request, server.fetcherFor(request));
      expect(answer.headers["cache-status"]).toBe("concierge; fwd=bypass; detail=range");
      await readBody(answer);
    }
    expect(server.requests).toHaveLength(4);
    expect(cache.stats().objects).toBe(1);
  });

  it("parses only single byte ranges", () => {
    expect(toByteRange("bytes=2-4", 10)).toEqual({ start: 2, end: 4 });
    expect(toByteRange("bytes=-20", 10)).toEqual({ start: 0, end: 9 });
    expect(toByteRange("bytes=-0", 10)).toBeUndefined();
    expect(toByteRange("bytes=5-2", 10)).toBeUndefined();
    expect(toByteRange("items=0-1", 10)).toBeUndefined();
    expect(toByteRange("bytes=0-1", 0)).toBeUndefined();
  });
});
