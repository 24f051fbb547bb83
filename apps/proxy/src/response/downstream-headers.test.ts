import { describe, expect, it } from "vitest";

import { toDownstreamHeaders, type DownstreamAdditions } from "./downstream-headers.ts";

const PLAIN: DownstreamAdditions = { rules: undefined, via: "1.1 edge", hsts: null, closeConnection: false };

/** The flat list as name → value, failing on a name written twice. */
function fields(flat: ReadonlyArray<unknown>): Record<string, unknown> {
  const byName: Record<string, unknown> = {};
  for (let index = 0; index < flat.length; index += 2) {
    const name = String(flat[index]);
    expect(byName, `${name} written twice`).not.toHaveProperty(name);
    byName[name] = flat[index + 1];
  }
  return byName;
}

describe("toDownstreamHeaders", () => {
  it("drops hop-by-hop fields and those Connection names, keeps arrays and numbers, appends Via", () => {
    const flat = toDownstreamHeaders(
      {
        connection: "keep-alive, x-hop",
        "keep-alive": "timeout=5",
        "x-hop": "1",
        "content-length": 5,
        "set-cookie": ["a=1", "b=2"],
        via: "1.1 origin",
        etag: undefined,
      },
      PLAIN,
    );
    expect(fields(flat)).toEqual({ "content-length": 5, "set-cookie": ["a=1", "b=2"], via: "1.1 origin, 1.1 edge" });
  });

  it("applies removals, then sets that replace, before Via; HSTS and Connection: close win", () => {
    const flat = toDownstreamHeaders(
      { server: "origin", "x-powered-by": "php", "strict-transport-security": "max-age=1", via: "1.1 origin" },
      {
        rules: { remove: ["x-powered-by", "via"], set: [["server", "concierge"], ["connection", "upgrade"]] },
        via: "1.1 edge",
        hsts: "max-age=63072000",
        closeConnection: true,
      },
    );
    expect(fields(flat)).toEqual({
      server: "concierge",
      via: "1.1 edge",
      "strict-transport-security": "max-age=63072000",
      connection: "close",
    });
  });

  it("lets a rule set Via, which our entry then follows", () => {
    const flat = toDownstreamHeaders({ via: "1.1 origin" }, { ...PLAIN, rules: { remove: [], set: [["via", "1.0 shield"]] } });
    expect(fields(flat)).toEqual({ via: "1.0 shield, 1.1 edge" });
  });
});
