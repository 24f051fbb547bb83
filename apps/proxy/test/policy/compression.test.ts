import { brotliDecompressSync, gunzipSync } from "node:zlib";

import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { snapshotOf, startOrigin, startProxy, type Origin, type Proxy } from "../front/support.ts";

const TEXT = "concierge ".repeat(500);
let origin: Origin;
let proxy: Proxy;

beforeAll(async () => {
  origin = await startOrigin((req, res) => {
    const type = req.url?.startsWith("/png") ? "image/png" : "text/plain";
    res.setHeader("content-type", type);
    res.setHeader("cache-control", req.url === "/raw" ? "max-age=60, no-transform" : "max-age=60");
    if (req.url === "/small") res.end("tiny");
    else res.end(TEXT);
  });
  proxy = await startProxy({
    snapshot: snapshotOf([origin], [{ hosts: ["*"], cache: { enabled: true }, policies: { compression: { enabled: true, minBytes: 100 } } }]),
  });
});

afterAll(async () => {
  await proxy.close();
  await origin.close();
});

async function fetchRaw(path: string, headers: Record<string, string>) {
  const response = await request(`${proxy.url}${path}`, { headers });
  const body = Buffer.from(await response.body.arrayBuffer());
  return { status: response.statusCode, headers: response.headers, body };
}

describe("compression", () => {
  it("picks brotli or gzip by Accept-Encoding q-values and says Vary", async () => {
    const br = await fetchRaw("/text", { "accept-encoding": "gzip;q=0.5, br" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.body).toString()).toBe(TEXT);

    const gzip = await fetchRaw("/text", { "accept-encoding": "br;q=0, gzip" });
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gzip.body).toString()).toBe(TEXT);

    const identity = await fetchRaw("/text", {});
    expect(identity.headers["content-encoding"]).toBeUndefined();
    expect(identity.body.toString()).toBe(TEXT);
  });

  it("stores one copy per coding: other spellings of the same choice are cache hits", async () => {
    await fetchRaw("/per-coding", { "accept-encoding": "gzip, deflate" });
    const again = await fetchRaw("/per-coding", { "accept-encoding": "deflate, gzip;q=0.9" });
    expect(again.headers["content-encoding"]).toBe("gzip");
    expect(again.headers["cache-status"]).toMatch(/hit/);
    expect(gunzipSync(again.body).toString()).toBe(TEXT);
    expect(origin.seen.filter((seen) => seen.url === "/per-coding")).toHaveLength(1);
  });

  it("leaves small, non-text, no-transform and ranged answers alone", async () => {
    for (const path of ["/small", "/png", "/raw"]) {
      const response = await fetchRaw(path, { "accept-encoding": "gzip" });
      expect(response.headers["content-encoding"], path).toBeUndefined();
    }
    const ranged = await fetchRaw("/ranged", { "accept-encoding": "gzip", range: "bytes=0-9" });
    expect(ranged.headers["content-encoding"]).toBeUndefined();
    expect([200, 206]).toContain(ranged.status);
    if (ranged.status === 206) expect(ranged.body.toString()).toBe(TEXT.slice(0, 10));
  });
});
