import { describe, expect, it } from "vitest";

import { responseWithoutHopByHop, withoutHopByHop } from "./hop-by-hop.ts";

describe("withoutHopByHop", () => {
  it("removes the RFC 9110 hop-by-hop headers and those Connection names", () => {
    const kept = withoutHopByHop({
      host: "a.example",
      connection: "keep-alive, X-Secret, x-other",
      "keep-alive": "timeout=5",
      "proxy-connection": "keep-alive",
      te: "trailers",
      trailer: "x",
      "transfer-encoding": "chunked",
      upgrade: "h2c",
      "proxy-authorization": "Basic abc",
      "x-secret": "1",
      "x-other": "2",
      "x-kept": "3",
    });
    expect(kept).toEqual({ host: "a.example", "x-kept": "3" });
  });

  it("handles a response's headers, numbers and arrays included", () => {
    const kept = responseWithoutHopByHop({
      connection: ["close", "x-a"],
      "x-a": "gone",
      "content-length": 5,
      "set-cookie": ["a=1", "b=2"],
      "proxy-authenticate": "Basic",
      "x-unset": undefined,
    });
    expect(kept).toEqual({ "content-length": 5, "set-cookie": ["a=1", "b=2"] });
  });

  it("strips the hop-by-hop headers behind an everyday Connection value, in any case", () => {
    for (const connection of ["keep-alive", "Keep-Alive", "close", "CLOSE"]) {
      expect(withoutHopByHop({ connection, "keep-alive": "timeout=5", "x-kept": "1" })).toEqual({ "x-kept": "1" });
    }
  });
});
