import { describe, expect, it } from "vitest";

import { ProxyError } from "../errors.ts";
import { normalisePath } from "./normalise-path.ts";

describe("normalisePath", () => {
  it.each([
    ["/", "/"],
    ["/api/x", "/api/x"],
    ["/a/b/../c", "/a/c"],
    ["/a/./b/", "/a/b/"],
    ["/a/..", "/"],
    ["/a/.", "/a/"],
    ["/../../etc/passwd", "/etc/passwd"],
    ["/api/%2e%2e/admin", "/admin"],
    ["/api/%2E./admin", "/admin"],
    ["/%7euser/%41", "/~user/A"],
    ["/a%2fb/%3f", "/a%2Fb/%3F"],
    ["/a%2f..%2fb", "/a%2F..%2Fb"],
    ["//double//slash", "//double//slash"],
  ])("normalises %s to %s", (input, expected) => {
    expect(normalisePath(input)).toBe(expected);
  });

  it("never resolves above the root", () => {
    expect(normalisePath("/a/../../../../b")).toBe("/b");
  });

  it.each(["api/x", "*", "", "/bad%zz", "/cut%4"])("refuses %j with 400", (input) => {
    expect(() => normalisePath(input)).toThrow(ProxyError);
    try {
      normalisePath(input);
    } catch (error) {
      expect((error as ProxyError).status).toBe(400);
    }
  });
});
