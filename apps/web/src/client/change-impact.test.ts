import { describe, expect, it } from "vitest";

import { assessChange } from "./change-impact.ts";

const shop = { id: "p1", name: "shop", targets: [{ url: "http://a", enabled: true }] };
const spare = { id: "p2", name: "spare", targets: [{ url: "http://b", enabled: false }] };
const store = { id: "r1", name: "store", hosts: ["shop.example.com"], pathPrefix: "/", priority: 10, poolId: "p1" };

describe("assessChange", () => {
  it("says which route shadows a new one with the same host and prefix", () => {
    const items = assessChange(
      { kind: "route", route: { name: "new", hosts: ["shop.example.com", "*"], pathPrefix: "/", priority: 0, poolId: "p1" } },
      { pools: [shop], routes: [store] },
    );
    expect(items.map((item) => item.message)).toContain(
      'Shadowed: route "store" (priority 10) takes requests for shop.example.com / before this one.',
    );
  });

  it("warns about a route whose pool has no enabled target, and pools left without routes", () => {
    const items = assessChange(
      { kind: "route", route: { ...store, poolId: "p2" } },
      { pools: [shop, spare], routes: [store] },
    );
    expect(items.map((item) => item.message)).toEqual([
      'Pool "spare" has no enabled target: requests to this route will fail with 503.',
      'Pool "shop" is left without routes: nothing will send it traffic.',
    ]);
  });

  it("warns when a pool in use loses its last serving target", () => {
    const items = assessChange(
      { kind: "pool", pool: { ...shop, targets: [{ url: "http://a", enabled: true, draining: true }] } },
      { pools: [shop], routes: [store] },
    );
    expect(items.map((item) => item.tone)).toEqual(["info", "warning"]);
  });
});
