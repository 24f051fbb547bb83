import { describe, expect, it } from "vitest";

import { applyMergePatch } from "../data/merge-patch.ts";
import { createMergePatch } from "./create-merge-patch.ts";

describe("createMergePatch", () => {
  it("produces a patch that turns the old object into the new one, removed keys included", () => {
    const before = { name: "shop", hashKey: { source: "header", name: "x-user" }, targets: [{ url: "http://a" }] };
    const after = { name: "shop", hashKey: { source: "client_ip" }, targets: [{ url: "http://b" }] };
    const patch = createMergePatch(before, after);
    expect(patch).toEqual({ hashKey: { source: "client_ip", name: null }, targets: [{ url: "http://b" }] });
    expect(applyMergePatch(before, patch)).toEqual(after);
  });
});
