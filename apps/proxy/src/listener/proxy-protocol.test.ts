import { describe, expect, it } from "vitest";

import { parseProxyHeader } from "./proxy-protocol.ts";

const SIGNATURE = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];

function v2(command: number, family: number, addresses: number[]): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(addresses.length);
  return Buffer.from([...SIGNATURE, 0x20 | command, family, ...length, ...addresses]);
}

describe("parseProxyHeader", () => {
  it.each([
    ["PROXY TCP4 203.0.113.7 10.0.0.1 51000 80\r\nGET / HTTP/1.1\r\n", "203.0.113.7", 42],
    ["PROXY TCP6 2001:db8::7 2001:db8::1 51000 443\r\n", "2001:db8::7", 46],
    ["PROXY UNKNOWN\r\n", undefined, 15],
  ])("reads the v1 line %j", (text, address, headerBytes) => {
    expect(parseProxyHeader(Buffer.from(text, "latin1"))).toEqual({ kind: "parsed", address, headerBytes });
  });

  it("reads v2 PROXY headers for IPv4 and IPv6, and LOCAL ones", () => {
    const ipv4 = v2(0x1, 0x11, [198, 51, 100, 9, 10, 0, 0, 1, 0xc3, 0x50, 0x00, 0x50]);
    expect(parseProxyHeader(Buffer.concat([ipv4, Buffer.from("GET /")]))).toEqual({
      kind: "parsed",
      address: "198.51.100.9",
      headerBytes: 28,
    });
    const source = [0x20, 0x01, 0x0d, 0xb8, ...Array<number>(11).fill(0), 0x07];
    const ipv6 = v2(0x1, 0x21, [...source, ...Array<number>(16).fill(0), 0, 80, 0, 80]);
    expect(parseProxyHeader(ipv6)).toMatchObject({ kind: "parsed", address: "2001:db8:0:0:0:0:0:7" });
    expect(parseProxyHeader(v2(0x0, 0x00, []))).toEqual({ kind: "parsed", address: undefined, headerBytes: 16 });
  });

  it("waits for more bytes while a header could still be complete", () => {
    expect(parseProxyHeader(Buffer.from("PROX"))).toEqual({ kind: "incomplete" });
    expect(parseProxyHeader(Buffer.from("PROXY TCP4 1.2.3.4"))).toEqual({ kind: "incomplete" });
    expect(parseProxyHeader(Buffer.from(SIGNATURE.slice(0, 5)))).toEqual({ kind: "incomplete" });
    expect(parseProxyHeader(v2(0x1, 0x11, [1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 0, 2]).subarray(0, 20))).toEqual({
      kind: "incomplete",
    });
  });

  it.each([
    ["GET / HTTP/1.1\r\n", "no PROXY protocol header"],
    ["PROXY TCP4 not-an-address\r\n", "malformed PROXY v1 line"],
    ["PROXY TCP4 2001:db8::7 10.0.0.1 51000 80\r\n", "PROXY v1 source is not an IPv4 address"],
    [`PROXY TCP4 ${"1".repeat(120)}`, "PROXY v1 line too long"],
  ])("refuses %j", (text, reason) => {
    expect(parseProxyHeader(Buffer.from(text))).toEqual({ kind: "invalid", reason });
  });
});
