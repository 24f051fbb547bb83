import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

import type { ConfigSnapshot } from "@concierge/config/snapshot";
import type { Logger } from "pino";

import { createHttpCache, type HttpCache } from "./cache/http-cache.ts";
import { compileConfig, type CompiledConfig } from "./config/compile-config.ts";
import { compileTrustedProxies } from "./guard/forwarded.ts";
import { createMetricsRegistry, type MetricsRegistry } from "./metrics/registry.ts";
import { handleRequest, handleUpgrade, type PipelineDeps, type RequestOptions } from "./pipeline.ts";
import { createUpstreams, type TargetStatus } from "./upstream/upstreams.ts";

export { ConfigCompileError } from "./config/compile-config.ts";
export { startDataListener } from "./listener/data-listener.ts";

/**
 * What one worker serves with: the current compiled config behind a single reference, the
 * upstream pools, the cache and the metrics. Applying a revision compiles first and swaps
 * only on success; a request keeps the config it started with.
 */
export interface ProxyRuntime {
  /** Snapshot (already validated with ConfigSnapshotSchema) → compile → atomic swap. Throws ConfigCompileError and keeps the previous config. */
  apply(snapshot: ConfigSnapshot, revision: number): void;
  /** undefined until the first apply: every request then gets 503 "no configuration loaded". */
  current(): CompiledConfig | undefined;
  readonly metrics: MetricsRegistry;
  readonly cache: HttpCache;
  targetStates(): TargetStatus[];
  /** undefined when the answer already went out; else the promise of its end (it never rejects). */
  handleRequest(req: IncomingMessage, res: ServerResponse, options: RequestOptions): Promise<void> | undefined;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, options: RequestOptions): void;
  close(): Promise<void>;
}

export function createProxyRuntime(options: {
  log: Logger;
  pseudonym: string;
  cacheMaxBytes: number;
  trustedProxies: string[];
  /** Workers of this node sharing per-route limits; 1 when absent. */
  workers?: number;
  /** Ports this node listens on; a revision with a target pointing back at them is refused. */
  ownPorts?: readonly number[];
  /** The dashboard's origin as this node reaches it: routes to it keep the dashboard's session cookie. */
  dashboardOrigin?: string;
  /** false: requests are served but not recorded (PROXY_METRICS=off); true when absent. */
  metricsEnabled?: boolean;
  /** Which requests are sampled as slow, and how many a second; the registry's defaults when absent. */
  samples?: { slowRequestMs: number; perSecond: number };
}): ProxyRuntime {
  const upstreams = createUpstreams({ log: options.log.child({ component: "upstream" }) });
  const cache = createHttpCache({ maxBytes: options.cacheMaxBytes });
  const metrics = createMetricsRegistry({
    targetStates: () => upstreams.targetStates(),
    recording: options.metricsEnabled ?? true,
    slowRequestMs: options.samples?.slowRequestMs,
    samplesPerSecond: options.samples?.perSecond,
  });
  let compiled: CompiledConfig | undefined;

  const deps: PipelineDeps = {
    log: options.log.child({ component: "access" }),
    pseudonym: options.pseudonym,
    via: `1.1 ${options.pseudonym}`,
    trustedProxies: compileTrustedProxies(options.trustedProxies),
    cache,
    metrics,
    current: () => compiled,
  };

  return {
    apply(snapshot, revision) {
      compiled = compileConfig(snapshot, revision, {
        upstreams,
        metrics,
        workers: options.workers,
        ownPorts: options.ownPorts,
        dashboardOrigin: options.dashboardOrigin,
      });
    },
    current: () => compiled,
    metrics,
    cache,
    targetStates: () => upstreams.targetStates(),
    handleRequest: (req, res, requestOptions) => handleRequest(req, res, deps, requestOptions),
    handleUpgrade: (req, socket, head, requestOptions) => handleUpgrade(req, socket, head, deps, requestOptions),
    close: () => upstreams.close(),
  };
}
