import { describe, expect, it } from "vitest";

import { clientIpOf, compileTrustedProxies, setForwardingHeaders } from "./forwarded.ts";

describe("compileTrustedProxies", () => {
  const trusted = compileTrustedProxies(["10.0.0.0/8", "192.168.1.7", "fd00::/8", "::1"]);

  it.each([
    ["10.1.2.3", true],
    ["::ffff:10.1.2.3", true],
    ["192.168.1.7", true],
    ["192.168.1.8", false],
    ["fd12::5", true],
    ["::1", true],
    ["2001:db8::1", false],
    ["127.0.0.1", false],
  ])("%s trusted: %s", (address, expected) => {
    expect(trusted(address)).toBe(expected);
  });

  it("trusts nobody when the list is empty", () => {
    expect(compileTrustedProxies([])("127.0.0.1")).toBe(false);
  });
});

describe("setForwardingHeaders", () => {
  const trusted = compileTrustedProxies(["127.0.0.1"]);

  it("names the scheme the client used", () => {
    const headers = {};
    setForwardingHeaders(headers, "203.0.113.9", "shop.example", "https", trusted);
    expect(headers).toMatchObject({
      "x-forwarded-proto": "https",
      forwarded: "for=203.0.113.9;host=shop.example;proto=https",
    });
  });

  it("replaces what an untrusted peer claims", () => {
    const headers = {
      "x-forwarded-for": "1.2.3.4",
      "x-forwarded-proto": "https",
      "x-forwarded-host": "evil.example",
      forwarded: "for=1.2.3.4",
    };
    setForwardingHeaders(headers, "203.0.113.9", "shop.example:8080", "http", trusted);
    expect(headers).toEqual({
      "x-forwarded-for": "203.0.113.9",
      "x-forwarded-proto": "http",
      "x-forwarded-host": "shop.example:8080",
      forwarded: 'for=203.0.113.9;host="shop.example:8080";proto=http',
    });
  });

  it("appends to what a trusted peer sent", () => {
    const headers = {
      "x-forwarded-for": "198.51.100.1",
      "x-forwarded-proto": "https",
      "x-forwarded-host": "shop.example",
      forwarded: "for=198.51.100.1;proto=https",
    };
    setForwardingHeaders(headers, "::ffff:127.0.0.1", "shop.example", "http", trusted);
    expect(headers["x-forwarded-for"]).toBe("198.51.100.1, 127.0.0.1");
    expect(headers["x-forwarded-proto"]).toBe("https");
    expect(headers["x-forwarded-host"]).toBe("shop.example");
    expect(headers.forwarded).toBe("for=198.51.100.1;proto=https, for=127.0.0.1;host=shop.example;proto=http");
  });

  it("quotes and brackets an IPv6 peer in Forwarded", () => {
    const headers = {};
    setForwardingHeaders(headers, "2001:db8::1", "a.example", "http", trusted);
    expect(headers).toMatchObject({ forwarded: 'for="[2001:db8::1]";host=a.example;proto=http' });
  });
});

describe("clientIpOf", () => {
  const trusted = compileTrustedProxies(["127.0.0.1", "10.0.0.0/8"]);

  it("is the peer when the peer is not trusted", () => {
    expect(clientIpOf("203.0.113.9", { "x-forwarded-for": "1.1.1.1" }, trusted)).toBe("203.0.113.9");
  });

  it("is the nearest untrusted hop behind trusted proxies", () => {
    expect(clientIpOf("127.0.0.1", { "x-forwarded-for": "6.6.6.6, 1.1.1.1, 10.0.0.2" }, trusted)).toBe("1.1.1.1");
  });
});
