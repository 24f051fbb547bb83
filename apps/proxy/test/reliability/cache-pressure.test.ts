import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { snapshotOf, startOrigin, startProxy, type Origin, type Proxy } from "../front/support.ts";
import { waitFor } from "../control/support/wait-for.ts";
import { startLoad } from "./support/load.ts";

const OBJECT_BYTES = 256 * 1024;
/** Each round sends 32 MiB of distinct cacheable answers through a cache of about 1 MB (the front support's size). */
const OBJECTS_PER_ROUND = 128;
/** The first round warms the process up (heap, buffers, sockets); the next ones must not grow it further. */
const MEASURED_ROUNDS = 4;
const LOAD_CONCURRENCY = 8;
/**
 * After the warm-up round, RSS may grow by this much at most while 128 MiB more pass through the
 * cache (origin, proxy and client share this process, so unreclaimed garbage counts too).
 */
const RSS_GROWTH_LIMIT_BYTES = 48 * 1024 * 1024;

const body = Buffer.alloc(OBJECT_BYTES, 0x62);
let origin: Origin;
let proxy: Proxy;

beforeAll(async () => {
  origin = await startOrigin((_req, res) => {
    res.writeHead(200, { "cache-control": "public, max-age=600", "content-length": OBJECT_BYTES });
    res.end(body);
  });
  proxy = await startProxy({ snapshot: snapshotOf([origin], [{ cache: { enabled: true } }]) });
});

afterAll(async () => {
  await proxy?.close();
  await origin?.close();
});

describe("cache under memory pressure", () => {
  it("evicts to stay within maxBytes, keeps the newest objects and keeps RSS bounded", async () => {
    let peakBytes = 0;
    let peakRss = 0;
    /** Sends one round of distinct objects, sampling the cache size and RSS before every request. */
    async function round(number: number): Promise<void> {
      const load = startLoad({
        baseUrl: proxy.url,
        concurrency: LOAD_CONCURRENCY,
        maxRequests: OBJECTS_PER_ROUND,
        path: (index) => {
          peakBytes = Math.max(peakBytes, proxy.runtime.cache.stats().bytes);
          peakRss = Math.max(peakRss, process.memoryUsage.rss());
          return `/round-${number}/${index}`;
        },
      });
      await waitFor("round sent", () => load.outcomes.length === OBJECTS_PER_ROUND, 20_000);
      await load.stop();
      expect(load.failures()).toEqual([]);
    }

    await round(0);
    const rssAfterWarmUp = Math.max(peakRss, process.memoryUsage.rss());
    for (let number = 1; number <= MEASURED_ROUNDS; number++) await round(number);

    const stats = proxy.runtime.cache.stats();
    const sent = (MEASURED_ROUNDS + 1) * OBJECTS_PER_ROUND;
    expect(stats.maxBytes).toBe(1_000_000);
    expect(Math.max(peakBytes, stats.bytes)).toBeLessThanOrEqual(stats.maxBytes);
    expect(stats.evictions).toBeGreaterThan(sent - stats.maxBytes / OBJECT_BYTES - 1);
    expect(stats.objects).toBeLessThan(stats.maxBytes / OBJECT_BYTES);
    expect(peakRss - rssAfterWarmUp).toBeLessThan(RSS_GROWTH_LIMIT_BYTES);

    const newest = await fetch(`${proxy.url}/round-${MEASURED_ROUNDS}/${OBJECTS_PER_ROUND - 1}`);
    await newest.arrayBuffer();
    expect(newest.headers.get("cache-status")).toMatch(/hit/);
    const oldest = await fetch(`${proxy.url}/round-0/0`);
    await oldest.arrayBuffer();
    expect(oldest.headers.get("cache-status")).toMatch(/fwd=uri-miss/);
  });
});
