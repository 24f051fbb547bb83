import { expect, it } from "vitest";

import type { RawExchange, SeenRequest } from "./support.ts";
import { statusOf } from "./support.ts";

/** How the suite reaches a proxy: raw HTTP/1.1 bytes in, what came back out. */
export interface Http1Transport {
  exchange: (request: string) => Promise<RawExchange>;
  /** What the origin behind the proxy received so far. */
  seen: () => readonly SeenRequest[];
}

const head = "POST /upload HTTP/1.1\r\nHost: shop.example\r\n";

/** Request shapes refused with 400 and a closed connection, never forwarded (RFC 9112 §6.1, §6.3). */
export const REFUSED_SHAPES: ReadonlyArray<readonly [shape: string, request: string]> = [
  [
    "Content-Length with Transfer-Encoding",
    `${head}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
  ],
  [
    "Transfer-Encoding: chunked, identity",
    `${head}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`,
  ],
  ["Transfer-Encoding: xchunked", `${head}Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n`],
  [
    "Transfer-Encoding with a space before the colon",
    `${head}Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n`,
  ],
  [
    "Transfer-Encoding folded onto a tab line",
    `${head}Transfer-Encoding:\r\n\tchunked\r\n\r\n0\r\n\r\n`,
  ],
  [
    "Transfer-Encoding: identity after chunked",
    `${head}Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n`,
  ],
  [
    "two different Content-Length values",
    `${head}Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd`,
  ],
  ["a Content-Length list", `${head}Content-Length: 4, 4\r\n\r\nabcd`],
  ["a bad chunk size", `${head}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`],
  ["no Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"],
  ["a space inside a header name", `${head}Bad Name: x\r\nContent-Length: 0\r\n\r\n`],
];

/** The request-smuggling cases, registered in the caller's describe block for one transport. */
export function http1AdversarialCases(transport: () => Http1Transport): void {
  it.each(REFUSED_SHAPES)(
    "refuses %s with 400 and closes the connection",
    async (_shape, request) => {
      const { exchange, seen } = transport();
      const before = seen().length;
      const answer = await exchange(request);
      expect(statusOf(answer)).toBe(400);
      expect(answer.closed).toBe(true);
      expect(seen().length).toBe(before);
    },
  );

  it("does not read a smuggled second request out of a refused one", async () => {
    const { exchange, seen } = transport();
    const smuggled = "GET /smuggled HTTP/1.1\r\nHost: shop.example\r\n\r\n";
    const answer = await exchange(
      `${head}Content-Length: ${smuggled.length + 5}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`,
    );
    expect(statusOf(answer)).toBe(400);
    expect(answer.text.match(/HTTP\/1\.1/g)).toHaveLength(1);
    expect(seen().some((request) => request.url === "/smuggled")).toBe(false);
  });

  it("passes a well-formed chunked body through", async () => {
    const { exchange, seen } = transport();
    const answer = await exchange(
      `${head}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n`,
    );
    expect(statusOf(answer)).toBe(200);
    expect(seen().at(-1)?.body).toBe("abc");
  });
}
