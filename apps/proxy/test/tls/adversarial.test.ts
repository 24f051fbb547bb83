import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { http1AdversarialCases } from "../front/http1-adversarial-suite.ts";
import { snapshotOf, startOrigin, type Origin } from "../front/support.ts";
import {
  GET_ROOT,
  H2_ERROR,
  literal,
  sendRawStream,
  type RawStreamOutcome,
} from "./support/h2-frames.ts";
import { issueCertificate } from "./support/issue-certificate.ts";
import {
  connectHttp2,
  h2Request,
  rawTlsExchange,
  serving,
  startTlsProxy,
  type TlsProxy,
} from "./support/tls-proxy.ts";

let origin: Origin;
let proxy: TlsProxy;

beforeAll(async () => {
  origin = await startOrigin();
  proxy = await startTlsProxy({
    snapshot: snapshotOf([origin], [{ pathPrefix: "/" }]),
    certificates: [serving(await issueCertificate({ names: ["shop.test"] }), ["shop.test"], true)],
  });
});

afterAll(async () => {
  // The proxy first: it waits for its upstream requests, so one left hanging by a refused stream fails here.
  await proxy.close();
  await origin.close();
});

describe("request smuggling shapes over HTTP/1.1 on TLS", () => {
  http1AdversarialCases(() => ({
    exchange: (request) => rawTlsExchange(proxy.port, request),
    seen: () => origin.seen,
  }));
});

const authority = literal(":authority", "shop.test");
const withFields = (...fields: Buffer[]) => Buffer.concat([GET_ROOT, authority, ...fields]);
const postWith = (...fields: Buffer[]) =>
  Buffer.concat([Buffer.from([0x83, 0x87, 0x84]), authority, ...fields]);
const malformed: RawStreamOutcome = { resetCode: H2_ERROR.PROTOCOL_ERROR };
const hugeFieldList = Array.from({ length: 40 }, (_, index) =>
  literal(`x-filler-${index}`, "v".repeat(1_000)),
);

/** RFC 9113 §8.1.1: a malformed request is a stream error of type PROTOCOL_ERROR; none reaches the origin. */
const H2_REFUSED: ReadonlyArray<
  readonly [shape: string, stream: Parameters<typeof sendRawStream>[1], expected: RawStreamOutcome]
> = [
  ["Connection (§8.2.2)", { block: withFields(literal("connection", "keep-alive")) }, malformed],
  ["Transfer-Encoding", { block: withFields(literal("transfer-encoding", "chunked")) }, malformed],
  ["Upgrade", { block: withFields(literal("upgrade", "websocket")) }, malformed],
  ["Keep-Alive", { block: withFields(literal("keep-alive", "timeout=5")) }, malformed],
  ["Proxy-Connection", { block: withFields(literal("proxy-connection", "keep-alive")) }, malformed],
  ["TE other than trailers", { block: withFields(literal("te", "gzip")) }, malformed],
  [
    "Content-Length above the DATA sent (§8.1.1)",
    { block: postWith(literal("content-length", "10")), data: [Buffer.from("abc")] },
    malformed,
  ],
  [
    "Content-Length below the DATA sent",
    { block: postWith(literal("content-length", "2")), data: [Buffer.from("abcdef")] },
    malformed,
  ],
  ["an unknown pseudo-header (§8.3)", { block: withFields(literal(":foo", "bar")) }, malformed],
  [
    "a response pseudo-header in a request",
    { block: withFields(literal(":status", "200")) },
    malformed,
  ],
  [
    "a pseudo-header after a regular field",
    { block: Buffer.concat([GET_ROOT, literal("x-a", "1"), authority]) },
    malformed,
  ],
  ["a second :path", { block: withFields(literal(":path", "/again")) }, malformed],
  ["no :path", { block: Buffer.concat([Buffer.from([0x82, 0x87]), authority]) }, malformed],
  [
    "an empty :path",
    { block: Buffer.concat([Buffer.from([0x82, 0x87]), literal(":path", ""), authority]) },
    malformed,
  ],
  ["an upper-case field name (§8.2.1)", { block: withFields(literal("X-Upper", "1")) }, malformed],
  [
    "a header list over the listener's limit",
    { block: withFields(...hugeFieldList) },
    { status: 431 },
  ],
];

describe("HTTP/2 requests the proxy refuses", () => {
  it.each(H2_REFUSED)("refuses %s and forwards nothing", async (_shape, stream, expected) => {
    const before = origin.seen.length;
    expect(await sendRawStream(proxy.port, stream)).toEqual(expected);
    expect(origin.seen.length).toBe(before);
  });

  it("answers the well-formed hand-made equivalents (the frames above are built right)", async () => {
    expect(
      await sendRawStream(proxy.port, { block: withFields(literal("te", "trailers")) }),
    ).toEqual({ status: 200 });
    expect(
      await sendRawStream(proxy.port, {
        block: postWith(literal("content-length", "3")),
        data: [Buffer.from("abc")],
      }),
    ).toEqual({ status: 200 });
    expect(origin.seen.at(-1)?.body).toBe("abc");
  });

  it("stays up and keeps serving after all of them", async () => {
    const session = await connectHttp2(proxy.port);
    try {
      const answer = await h2Request(session, { ":path": "/after", ":authority": "shop.test" });
      expect(answer.headers[":status"]).toBe(200);
      expect(origin.seen.at(-1)?.url).toBe("/after");
    } finally {
      session.close();
    }
  });
});
