import { describe, expect, it } from "vitest";

import { forwardableTrailers, responseWithoutHopByHop, withoutHopByHop } from "./hop-by-hop.ts";

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

describe("forwardableTrailers", () => {
  it("keeps what a trailer may carry, joined, and drops framing, control and hop-by-hop fields", () => {
    const kept = forwardableTrailers({
      "x-checksum": "sha256=abc",
      "server-timing": ["db;dur=5", "app;dur=2"],
      "content-length": "5",
      "set-cookie": ["a=1"],
      "cache-control": "no-store",
      "transfer-encoding": "chunked",
      "x-unset": undefined,
    });
    expect(kept).toEqual({ "x-checksum": "sha256=abc", "server-timing": "db;dur=5, app;dur=2" });
  });

  it("is undefined when nothing is left to pass on", () => {
    expect(forwardableTrailers({})).toBeUndefined();
    expect(forwardableTrailers({ "content-type": "text/html" })).toBeUndefined();
  });
});
