import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import { connect, type AddressInfo } from "node:net";

import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PSEUDONYM, snapshotOf, startProxy, type Origin, type Proxy } from "../front/support.ts";

// Bounded and reproducible: 200 cases, each with a socket deadline; a failure prints the seed
// (rerun one with FUZZ_SEED=<seed>).
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_125);
const CASES = 200;
const DEADLINE_MS = 2_000;
const QUIET_MS = 300;
const ROUTED_HOST = "shop.example";

interface Received {
  url: string;
  rawHeaders: string[];
}

/**
 * An origin that records every request it parses, with a lenient parser so that anything
 * the proxy lets through is seen as sent; a request it cannot parse at all counts as a finding.
 */
async function startRecordingOrigin(): Promise<
  Origin & { received: Received[]; unparsable: string[] }
> {
  const state = { received: [] as Received[], unparsable: [] as string[] };
  const server = createServer({ insecureHTTPParser: true }, (req: IncomingMessage, res) => {
    state.received.push({ url: req.url ?? "", rawHeaders: req.rawHeaders });
    req.resume();
    req.on("error", () => {});
    req.on("end", () => res.end("ok"));
  });
  server.on("clientError", (error: Error & { code?: string; rawPacket?: Buffer }, socket) => {
    // A cut (reset, or EOF mid-message: an abandoned upstream request) is fine; bytes that do not parse are not.
    if (error.code?.startsWith("HPE_") && error.code !== "HPE_INVALID_EOF_STATE")
      state.unparsable.push(
        `${error.code}: ${JSON.stringify(error.rawPacket?.toString("latin1"))}`,
      );
    socket.destroy();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    seen: [],
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/**
 * Sends the bytes and waits for the first answer bytes or a close. A request still waiting for
 * more bytes after `QUIET_MS` gets an end of input, which must make the proxy answer or close.
 */
async function exchange(port: number, request: string): Promise<{ text: string; closed: boolean }> {
  const socket = connect(port, "127.0.0.1");
  socket.on("error", () => {});
  await once(socket, "connect");
  let text = "";
  let closed = false;
  socket.setEncoding("latin1");
  const settled = new Promise<void>((resolve) => {
    socket.on("data", (chunk: string) => {
      text += chunk;
      if (text.includes("\r\n")) resolve();
    });
    socket.on("close", () => {
      closed = true;
      resolve();
    });
  });
  const within = (ms: number) =>
    Promise.race([
      settled.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref()),
    ]);
  socket.write(request, "latin1");
  if (!(await within(QUIET_MS))) {
    socket.end();
    await within(DEADLINE_MS);
  }
  socket.destroy();
  return { text, closed };
}

const STATUS_LINE = /^HTTP\/1\.1 [1-5]\d\d [^\r\n]*\r\n/;

const method = fc.oneof(
  {
    arbitrary: fc.constantFrom("GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "PATCH"),
    weight: 6,
  },
  { arbitrary: fc.constantFrom("TRACE", "CONNECT", "get", "G ET", ""), weight: 1 },
  { arbitrary: fc.string({ unit: "binary-ascii", maxLength: 8 }), weight: 1 },
);

const target = fc.oneof(
  { arbitrary: fc.constantFrom("/", "/a/b?c=d", "/shop/item%20one"), weight: 2 },
  fc.constantFrom(
    "/",
    "/a/b",
    "/a/../b",
    "/../../etc/passwd",
    "/a/../../b",
    "/%2e%2e/x",
    "/a/%2E%2E/%2e%2e/b",
    "/.%2e/x",
    "/%2e/x",
    "/a/./b",
    "//x",
    "/a?b=../c",
    "/a%00b",
    "/a\u0000b",
    "/a b",
    "/\u007f",
    "/a\r\nX-Injected: 1",
    "*",
    `http://${ROUTED_HOST}/x`,
    `http://${ROUTED_HOST}/../../x`,
    "http://evil.example/x",
    "https://evil.example:443/",
    "http://127.0.0.1:1/",
    `http://user@${ROUTED_HOST}/`,
    "ftp://x/",
    "/\\..\\x",
    "/%252e%252e/x",
    "/" + "a".repeat(300),
  ),
  fc.string({ unit: "binary-ascii", maxLength: 24 }).map((tail) => `/${tail}`),
);

const host = fc.oneof(
  { arbitrary: fc.constant([`Host: ${ROUTED_HOST}`]), weight: 4 },
  fc.constantFrom(
    [`Host: ${ROUTED_HOST}`],
    ["Host: SHOP.EXAMPLE"],
    [`Host: ${ROUTED_HOST}:80`],
    [`Host: ${ROUTED_HOST}.`],
    ["Host: evil.example"],
    ["Host: "],
    [],
    [`Host: ${ROUTED_HOST}`, "Host: evil.example"],
    [`Host: ${ROUTED_HOST}\u0000`],
    [`Host: ${ROUTED_HOST}@evil.example`],
  ),
);

const framingHeader = fc.constantFrom(
  "Content-Length: 0",
  "Content-Length: 3",
  "Content-Length: 4",
  "Content-Length: -1",
  "Content-Length: 4, 4",
  "Content-Length: +4",
  "Content-Length: 0x4",
  "Content-Length: 99999999999999999999",
  "Content-Length : 4",
  "Transfer-Encoding: chunked",
  "Transfer-Encoding: CHUNKED",
  "Transfer-Encoding:  chunked ",
  "Transfer-Encoding: identity",
  "Transfer-Encoding: gzip",
  "Transfer-Encoding: gzip, chunked",
  "Transfer-Encoding: chunked, identity",
  "Transfer-Encoding: xchunked",
  "Transfer-Encoding: chunked\u000b",
  "Transfer-Encoding:\r\n chunked",
  " Transfer-Encoding: chunked",
  "Transfer-Encoding : chunked",
);

const otherHeader = fc.oneof(
  fc.constantFrom(
    `Via: 1.1 ${PSEUDONYM}`,
    `Via: 1.0 other, 1.1 ${PSEUDONYM}`,
    `Via: 1.1 ${PSEUDONYM.toUpperCase()}`,
    "Via: 1.1 other",
    "X-Folded: a\r\n b",
    "X-Folded: a\r\n\tb",
    "X-Nul: a\u0000b",
    "X-Cr: a\rb",
    "Connection: close, x-secret",
    "X-Secret: 1",
    "Connection: keep-alive",
    "Upgrade: websocket",
    "Expect: 100-continue",
    "X-Forwarded-For: 1.2.3.4",
    "Forwarded: for=1.2.3.4;host=evil.example",
    "X-Forwarded-Host: evil.example",
    ": empty-name",
    "No-Colon",
    "X-Big: " + "b".repeat(9_000),
  ),
  fc
    .tuple(
      fc.string({ unit: "binary-ascii", maxLength: 10 }),
      fc.string({ unit: "binary-ascii", maxLength: 20 }),
    )
    .map(([name, value]) => `${name}: ${value}`),
);

const body = fc.oneof(
  fc.constantFrom(
    "",
    "abc",
    "abcd",
    "3\r\nabc\r\n0\r\n\r\n",
    "0\r\n\r\n",
    "zz\r\nabc\r\n0\r\n\r\n",
    "4\r\nabc\r\n0\r\n\r\n",
  ),
  fc.string({ unit: "binary-ascii", maxLength: 40 }),
  fc.constant("0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: shop.example\r\n\r\n"),
);

const rawRequest = fc
  .record({
    method,
    target,
    host,
    headers: fc.array(fc.oneof(framingHeader, otherHeader), { maxLength: 3 }),
    body,
  })
  .map(
    ({ method, target, host, headers, body }) =>
      [`${method} ${target} HTTP/1.1`, ...host, ...headers].join("\r\n") + `\r\n\r\n${body}`,
  );

function headerValues(rawHeaders: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if (rawHeaders[index]?.toLowerCase() === name) values.push(rawHeaders[index + 1] ?? "");
  }
  return values;
}

/** Why the proxy should have refused this forwarded request, or undefined when its shape is fine. */
function refusableShape(request: Received): string | undefined {
  const contentLengths = headerValues(request.rawHeaders, "content-length");
  const codings = headerValues(request.rawHeaders, "transfer-encoding").flatMap((value) =>
    value.split(","),
  );
  if (contentLengths.length > 0 && codings.length > 0)
    return "Content-Length with Transfer-Encoding";
  if (new Set(contentLengths).size > 1 || contentLengths.some((value) => !/^\d+$/.test(value)))
    return "bad Content-Length";
  if (codings.length > 0 && codings.at(-1)?.trim().toLowerCase() !== "chunked")
    return "final coding not chunked";
  const path = request.url.split("?")[0] ?? "";
  const segments = path.split("/").map((segment) => segment.replace(/%2e/gi, "."));
  if (!path.startsWith("/") || segments.some((segment) => segment === ".." || segment === "."))
    return `dot segments in ${request.url}`;
  const forwardedHost = (headerValues(request.rawHeaders, "x-forwarded-host")[0] ?? "")
    .toLowerCase()
    .replace(/:\d+$/, "");
  if (forwardedHost !== ROUTED_HOST) return `host ${forwardedHost} matches no route`;
  const vias = headerValues(request.rawHeaders, "via").join(",").toLowerCase();
  if (vias.split(PSEUDONYM).length - 1 !== 1) return `Via loop: ${vias}`;
  return undefined;
}

let origin: Awaited<ReturnType<typeof startRecordingOrigin>>;
let proxy: Proxy;

// The proxy runs in this process: an error nobody handles would take a real worker down.
const crashes: Error[] = [];
const recordCrash = (error: Error) => crashes.push(error);

beforeAll(async () => {
  process.on("uncaughtExceptionMonitor", recordCrash);
  origin = await startRecordingOrigin();
  proxy = await startProxy({
    snapshot: snapshotOf([origin], [{ hosts: [ROUTED_HOST], pathPrefix: "/" }]),
  });
});

afterAll(async () => {
  process.off("uncaughtExceptionMonitor", recordCrash);
  await proxy.close();
  await origin.close();
});

const PROBE = `GET /probe HTTP/1.1\r\nHost: ${ROUTED_HOST}\r\nConnection: close\r\n\r\n`;

describe("the request path under random raw HTTP/1.1", () => {
  it("answers with a status line or closes, keeps serving, and forwards no refusable shape", async () => {
    await fc.assert(
      fc.asyncProperty(rawRequest, async (request) => {
        const before = origin.received.length;
        const answer = await exchange(proxy.port, request);
        if (answer.text === "")
          expect(answer.closed, "neither an answer nor a close by the deadline").toBe(true);
        else expect(answer.text).toMatch(STATUS_LINE);

        for (const forwarded of origin.received.slice(before)) {
          expect(refusableShape(forwarded), JSON.stringify(forwarded)).toBeUndefined();
        }
        expect(origin.unparsable, "bytes the origin could not parse").toEqual([]);

        const probe = await exchange(proxy.port, PROBE);
        expect(probe.text).toMatch(/^HTTP\/1\.1 200 /);
        expect(
          crashes.map((error) => error.stack),
          "an uncaught error would have ended the worker",
        ).toEqual([]);
      }),
      { numRuns: CASES, seed: SEED, endOnFailure: true },
    );
    // The cases must reach the origin often enough to test what gets through, not only refusals.
    const forwarded = origin.received.filter((request) => request.url !== "/probe").length;
    console.log(`fuzz: ${forwarded} of ${CASES} cases forwarded`);
    expect(forwarded).toBeGreaterThan(CASES / 10);
  }, 120_000);
});
