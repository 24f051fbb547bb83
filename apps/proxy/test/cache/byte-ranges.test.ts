import type { IncomingHttpHeaders } from "node:http";

import { afterEach, describe, expect, it } from "vitest";

import { createHttpCache } from "../../src/cache/http-cache.ts";
import { MAX_RANGES } from "../../src/cache/byte-range.ts";
import type { ProxyResponse } from "../../src/origin.ts";
import { readBody, toRequest } from "./harness.ts";
import type { TestOrigin } from "./origin-server.ts";
import { startOrigin } from "./origin-server.ts";

const DIGITS = "0123456789A";
const ETAG = '"digits-v1"';
const LAST_MODIFIED = "Tue, 24 Nov 2026 10:00:00 GMT";

let origin: TestOrigin | undefined;
afterEach(async () => {
  await origin?.close();
  origin = undefined;
});

/** An origin of one 11-byte text that also answers ranges itself, so a forwarded range shows. */
async function startDigitsOrigin(options: { declareLength?: boolean } = {}): Promise<TestOrigin> {
  origin = await startOrigin((req, res) => {
    const headers = {
      "cache-control": "max-age=3600",
      "content-type": "text/plain",
      etag: ETAG,
      "last-modified": LAST_MODIFIED,
    };
    if (req.headers.range !== undefined) {
      res.writeHead(206, { ...headers, "content-range": "bytes 0-0/11" });
      res.end("0");
      return;
    }
    res.writeHead(
      200,
      options.declareLength ? { ...headers, "content-length": DIGITS.length } : headers,
    );
    res.end(DIGITS);
  });
  return origin;
}

async function storedDigits() {
  const cache = createHttpCache({ maxBytes: 1_000_000 });
  const server = await startDigitsOrigin();
  const request = toRequest();
  await readBody(await cache.serve(request, server.fetcherFor(request)));
  return { cache, server };
}

async function ask(
  cache: ReturnType<typeof createHttpCache>,
  server: TestOrigin,
  headers: IncomingHttpHeaders,
): Promise<{ answer: ProxyResponse; body: string }> {
  const request = toRequest({ headers });
  const answer = await cache.serve(request, server.fetcherFor(request));
  return { answer, body: await readBody(answer) };
}

/** The parts of a multipart/byteranges body, each with its headers (RFC 9110 §14.6). */
function toParts(answer: ProxyResponse, body: string) {
  const contentType = String(answer.headers["content-type"]);
  const boundary = /^multipart\/byteranges; boundary=(\S+)$/.exec(contentType)?.[1];
  expect(boundary, contentType).toBeDefined();
  expect(body.endsWith(`\r\n--${boundary}--\r\n`)).toBe(true);
  return body
    .slice(0, -`\r\n--${boundary}--\r\n`.length)
    .split(new RegExp(`(?:^|\\r\\n)--${boundary}\\r\\n`))
    .slice(1)
    .map((part) => {
      const [head = "", data] = part.split("\r\n\r\n");
      return { head: head.split("\r\n"), data };
    });
}

describe("byte ranges from the cache", () => {
  it("cuts a single range from a fresh stored answer", async () => {
    const { cache, server } = await storedDigits();
    for (const [range, expected, contentRange] of [
      ["bytes=0-1", "01", "bytes 0-1/11"],
      ["bytes=1-", "123456789A", "bytes 1-10/11"],
      ["bytes=-1", "A", "bytes 10-10/11"],
      ["bytes=9-99", "9A", "bytes 9-10/11"],
    ] as const) {
      const { answer, body } = await ask(cache, server, { range });
      expect(answer.statusCode).toBe(206);
      expect(answer.cacheOutcome).toBe("hit");
      expect(answer.headers["content-range"]).toBe(contentRange);
      expect(answer.headers["content-length"]).toBe(String(expected.length));
      expect(answer.bytesSaved).toBe(expected.length);
      expect(body).toBe(expected);
    }
    expect(server.requests).toHaveLength(1);
  });

  it("answers several ranges as multipart/byteranges, in the order asked, each part typed and placed", async () => {
    const { cache, server } = await storedDigits();
    const { answer, body } = await ask(cache, server, { range: "bytes=7-8, 0-1,-1" });
    expect(answer.statusCode).toBe(206);
    expect(answer.headers["content-range"]).toBeUndefined();
    expect(answer.headers["content-length"]).toBe(String(Buffer.byteLength(body)));
    expect(toParts(answer, body)).toEqual([
      { head: ["Content-Type: text/plain", "Content-Range: bytes 7-8/11"], data: "78" },
      { head: ["Content-Type: text/plain", "Content-Range: bytes 0-1/11"], data: "01" },
      { head: ["Content-Type: text/plain", "Content-Range: bytes 10-10/11"], data: "A" },
    ]);
    expect(server.requests).toHaveLength(1);
  });

  it("coalesces overlapping and adjacent ranges, keeping the place of the first one asked", async () => {
    const { cache, server } = await storedDigits();
    const overlapping = await ask(cache, server, { range: "bytes=2-5,0-3" });
    expect(overlapping.answer.statusCode).toBe(206);
    expect(overlapping.answer.headers["content-range"]).toBe("bytes 0-5/11");
    expect(overlapping.body).toBe("012345");

    const adjacent = await ask(cache, server, { range: "bytes=9-10,0-1,2-3" });
    expect(toParts(adjacent.answer, adjacent.body).map((part) => part.data)).toEqual([
      "9A",
      "0123",
    ]);
  });

  it("sends the whole body (200) for too many ranges, or ranges that add up to more than the body", async () => {
    const { cache, server } = await storedDigits();
    const tooMany = Array.from(
      { length: MAX_RANGES + 1 },
      (_, index) => `${index % 11}-${index % 11}`,
    );
    for (const range of [`bytes=${tooMany.join(",")}`, "bytes=0-5,1-6,2-7", "bytes=0-,0-"]) {
      const { answer, body } = await ask(cache, server, { range });
      expect(answer.statusCode, range).toBe(200);
      expect(answer.headers["content-range"]).toBeUndefined();
      expect(body).toBe(DIGITS);
    }
  });

  it("ignores a Range that is not a valid byte range set", async () => {
    const { cache, server } = await storedDigits();
    for (const range of ["bytes=5-2", "items=0-1", "bytes=a-b", "bytes=0-1,x"]) {
      const { answer, body } = await ask(cache, server, { range });
      expect(answer.statusCode, range).toBe(200);
      expect(body).toBe(DIGITS);
    }
  });

  it("answers 416 with bytes */length when no range is satisfiable, and drops only the unsatisfiable ones", async () => {
    const { cache, server } = await storedDigits();
    for (const range of ["bytes=11-", "bytes=20-30,40-", "bytes=-0"]) {
      const { answer, body } = await ask(cache, server, { range });
      expect(answer.statusCode, range).toBe(416);
      expect(answer.headers["content-range"]).toBe("bytes */11");
      expect(body).toBe("");
    }
    const partly = await ask(cache, server, { range: "bytes=20-,3-4" });
    expect(partly.answer.statusCode).toBe(206);
    expect(partly.answer.headers["content-range"]).toBe("bytes 3-4/11");
    expect(server.requests).toHaveLength(1);
  });

  it("honours If-Range: a strong matching validator gets the range, anything else the whole body", async () => {
    const { cache, server } = await storedDigits();
    const cases: [IncomingHttpHeaders, number][] = [
      [{ "if-range": ETAG }, 206],
      [{ "if-range": '"digits-v0"' }, 200],
      [{ "if-range": `W/${ETAG}` }, 200],
      [{ "if-range": LAST_MODIFIED }, 206],
      [{ "if-range": "Mon, 23 Nov 2026 10:00:00 GMT" }, 200],
    ];
    for (const [headers, statusCode] of cases) {
      const { answer, body } = await ask(cache, server, { range: "bytes=0-1", ...headers });
      expect(answer.statusCode, String(headers["if-range"])).toBe(statusCode);
      expect(body).toBe(statusCode === 206 ? "01" : DIGITS);
    }
    expect(server.requests).toHaveLength(1);
  });

  it("evaluates the client's own conditionals before the range", async () => {
    const { cache, server } = await storedDigits();
    const { answer } = await ask(cache, server, { range: "bytes=0-1", "if-none-match": ETAG });
    expect(answer.statusCode).toBe(304);
  });

  it("answers parallel range requests of a download manager from one origin fetch", async () => {
    const cache = createHttpCache({ maxBytes: 1_000_000 });
    const server = await startDigitsOrigin();
    const ranges = [
      "bytes=0-2",
      "bytes=3-5",
      "bytes=6-8",
      "bytes=9-10",
      "bytes=0-0,10-10",
      "bytes=-3",
    ];
    const answers = await Promise.all(ranges.map((range) => ask(cache, server, { range })));
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.headers.range).toBeUndefined();
    expect(answers.slice(0, 4).map(({ body }) => body)).toEqual(["012", "345", "678", "9A"]);
    expect(toParts(answers[4]!.answer, answers[4]!.body).map((part) => part.data)).toEqual([
      "0",
      "A",
    ]);
    expect(answers[5]?.body).toBe("89A");
    expect(answers.every(({ answer }) => answer.statusCode === 206)).toBe(true);

    const later = await ask(cache, server, { range: "bytes=4-4" });
    expect([later.answer.cacheOutcome, later.body]).toEqual(["hit", "4"]);
    expect(server.requests).toHaveLength(1);
  });

  it("sends the range itself to the origin when the whole body declares more than the object limit", async () => {
    const cache = createHttpCache({ maxBytes: 1_000_000 });
    const server = await startDigitsOrigin({ declareLength: true });
    const request = toRequest({ headers: { range: "bytes=0-0" }, rule: { maxObjectBytes: 5 } });
    const answer = await cache.serve(request, server.fetcherFor(request));
    expect(answer.statusCode).toBe(206);
    expect(answer.headers["cache-status"]).toBe("concierge; fwd=bypass; detail=range");
    expect(await readBody(answer)).toBe("0");
    expect(server.requests.map((seen) => seen.headers.range)).toEqual([undefined, "bytes=0-0"]);
    expect(cache.stats().objects).toBe(0);
  });

  it("sends the whole body (200) when it turns out bigger than the object limit only while streaming", async () => {
    const cache = createHttpCache({ maxBytes: 1_000_000 });
    const server = await startDigitsOrigin();
    const request = toRequest({ headers: { range: "bytes=0-0" }, rule: { maxObjectBytes: 5 } });
    const answer = await cache.serve(request, server.fetcherFor(request));
    expect(answer.statusCode).toBe(200);
    expect(await readBody(answer)).toBe(DIGITS);
    expect(server.requests).toHaveLength(1);
  });
});
