import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";

import { afterEach, describe, expect, it } from "vitest";

import { forwardRequest } from "../../src/upstream/forward.ts";
import { createUpstreams, type Upstreams } from "../../src/upstream/upstreams.ts";
import { poolOf, silentLog } from "./support/pools.ts";
import { startOrigin, type TestOrigin } from "./support/start-origin.ts";

const GIB = 1024 ** 3;
const CHUNK = Buffer.alloc(256 * 1024, 0x61);
/** Generous for two HTTP stacks' buffers in one process, far below the 1 GiB moved. */
const MAX_RSS_GROWTH_BYTES = 200 * 1024 ** 2;

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});

/** `bytes` of data made on demand: nothing is held beyond the chunk being read. */
function generated(bytes: number): Readable {
  let remaining = bytes;
  return new Readable({
    read() {
      if (remaining <= 0) {
        this.push(null);
        return;
      }
      const size = Math.min(remaining, CHUNK.length);
      remaining -= size;
      this.push(size === CHUNK.length ? CHUNK : CHUNK.subarray(0, size));
    },
  });
}

function countingSink(): Writable & { bytes: number } {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      sink.bytes += chunk.length;
      callback();
    },
  }) as Writable & { bytes: number };
  sink.bytes = 0;
  return sink;
}

/** Samples RSS while `work` runs and returns the largest growth over the starting value. */
async function peakRssGrowth(work: () => Promise<void>): Promise<number> {
  const start = process.memoryUsage.rss();
  let peak = start;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, process.memoryUsage.rss()) - start;
}

async function poolFor(handle: Parameters<typeof startOrigin>[0]) {
  const origin: TestOrigin = await startOrigin(handle);
  const upstreams: Upstreams = createUpstreams({ log: silentLog });
  cleanup.push(() => upstreams.close(), () => origin.kill());
  const config = poolOf([origin.url]);
  const pool = upstreams.compile([config]).get(config.id);
  if (!pool) throw new Error("pool not compiled");
  return pool;
}

const request = { method: "POST", path: "/", headers: {}, body: null, clientIp: "10.0.0.1" };

describe("streaming through forwardRequest", () => {
  it("uploads 1 GiB with bounded memory", { timeout: 60_000 }, async () => {
    const pool = await poolFor((req, res) => {
      const sink = countingSink();
      void pipeline(req, sink).then(() => res.end(String(sink.bytes)));
    });
    let answer = "";
    const growth = await peakRssGrowth(async () => {
      const result = await forwardRequest(pool, { ...request, body: generated(GIB) });
      for await (const chunk of result.body) answer += String(chunk);
    });
    expect(answer).toBe(String(GIB));
    expect(growth).toBeLessThan(MAX_RSS_GROWTH_BYTES);
  });

  it("downloads 1 GiB with bounded memory", { timeout: 60_000 }, async () => {
    const pool = await poolFor((_req, res) => {
      res.setHeader("content-length", String(GIB));
      void pipeline(generated(GIB), res);
    });
    const sink = countingSink();
    const growth = await peakRssGrowth(async () => {
      const result = await forwardRequest(pool, { ...request, method: "GET" });
      expect(result.statusCode).toBe(200);
      await pipeline(result.body, sink);
    });
    expect(sink.bytes).toBe(GIB);
    expect(growth).toBeLessThan(MAX_RSS_GROWTH_BYTES);
  });
});
