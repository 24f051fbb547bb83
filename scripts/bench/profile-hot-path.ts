/**
 * The proxy's request path alone, for profiling: one worker's runtime in this process, one
 * cache-enabled route for any host in front of ORIGIN_URL (start `origin.ts` for it), access log
 * off. Prints "listening <port>" once up, then serves until SIGTERM/SIGINT. Drive it with e.g.
 * `wrk -t1 -c64 -d8s http://127.0.0.1:<port>/1k` and run it under `node --cpu-prof` to profile.
 *
 *   ORIGIN_URL=http://127.0.0.1:<origin port> PORT=0 npx tsx scripts/bench/profile-hot-path.ts
 *
 * `PROXY_METRICS=off` records no metrics, as in the product.
 */
import { randomUUID } from "node:crypto";

import { ConfigSnapshotSchema } from "@concierge/config/snapshot";
import { pino } from "pino";

import { createProxyRuntime, startDataListener } from "../../apps/proxy/src/runtime.ts";

const originUrl = process.env.ORIGIN_URL;
if (!originUrl) throw new Error("ORIGIN_URL is required: the origin the bench route forwards to");

const poolId = randomUUID();
const snapshot = ConfigSnapshotSchema.parse({
  pools: [{ id: poolId, name: "bench", targets: [{ id: randomUUID(), url: originUrl }], healthCheck: { enabled: false } }],
  routes: [{ id: randomUUID(), name: "bench", hosts: ["*"], pathPrefix: "/", poolId, cache: { enabled: true } }],
});

const log = pino({ level: "warn" });
const runtime = createProxyRuntime({
  log,
  pseudonym: "concierge-bench",
  cacheMaxBytes: 256 * 1024 * 1024,
  trustedProxies: [],
  metricsEnabled: process.env.PROXY_METRICS !== "off",
});
runtime.apply(snapshot, 1);
const listener = await startDataListener({ port: Number(process.env.PORT ?? 0), host: "127.0.0.1", runtime, log });
process.stdout.write(`listening ${listener.port}\n`);

async function stop(): Promise<void> {
  await listener.drain(1_000);
  await runtime.close();
  process.exit(0);
}
process.once("SIGTERM", () => void stop());
process.once("SIGINT", () => void stop());
