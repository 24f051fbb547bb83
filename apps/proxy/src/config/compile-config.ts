import { isIPv4, isIPv6 } from "node:net";
import { networkInterfaces } from "node:os";

import type { CacheRule } from "@concierge/config/cache-rule";
import type { Route } from "@concierge/config/route";
import type { ConfigSnapshot } from "@concierge/config/snapshot";

import type { MetricsRegistry, RouteSeries } from "../metrics/registry.ts";
import { compilePolicies, type CompiledPolicies } from "../policy/compile-policies.ts";
import { canonicalPrefix, compileRouter, type Router } from "../router/compile-router.ts";
import type { CompiledPool, PoolSet, Upstreams } from "../upstream/upstreams.ts";

/**
 * Snapshot → the structures the request path reads: router, pools, per-route header rules,
 * cache rule and metric series. Runs once per revision, never per request; the result is
 * immutable and swapped in whole.
 */
export interface CompiledConfig {
  readonly revision: number;
  readonly router: Router;
  readonly pools: PoolSet;
  readonly routes: readonly CompiledRoute[];
}

export interface CompiledHeaderRules {
  readonly set: ReadonlyArray<readonly [name: string, value: string]>;
  readonly remove: readonly string[];
}

export interface CompiledRoute {
  readonly id: string;
  readonly name: string;
  readonly hosts: readonly string[];
  /** Canonical: no trailing slash except `/` itself. */
  readonly pathPrefix: string;
  /** null: every method. A route that takes GET also takes HEAD. */
  readonly methods: ReadonlySet<string> | null;
  readonly priority: number;
  readonly stripPrefix: boolean;
  readonly maxBodyBytes: number;
  readonly pool: CompiledPool;
  readonly requestHeaders: CompiledHeaderRules;
  readonly responseHeaders: CompiledHeaderRules;
  readonly cache: CacheRule;
  readonly policies: CompiledPolicies;
  readonly metrics: RouteSeries;
  /** Every target is the dashboard itself, which needs its own session cookie; other origins never see it. */
  readonly servesDashboard: boolean;
}

export class ConfigCompileError extends Error {
  override readonly name = "ConfigCompileError";
}

export function compileConfig(
  snapshot: ConfigSnapshot,
  revision: number,
  deps: {
    upstreams: Upstreams;
    metrics: MetricsRegistry;
    /** Workers of this node sharing the data port; rate limits are split between them. Default 1. */
    workers?: number;
    /** Ports this node listens on (data, TLS, admin); a target on one of them at our own address is a loop. */
    ownPorts?: readonly number[];
    /** The dashboard's origin as proxy nodes reach it (CONCIERGE_WEB_URL). */
    dashboardOrigin?: string;
  },
): CompiledConfig {
  refuseSelfTargets(snapshot, deps.ownPorts ?? []);
  const poolIds = new Set(snapshot.pools.map((pool) => pool.id));
  for (const route of snapshot.routes) {
    if (!poolIds.has(route.poolId)) {
      throw new ConfigCompileError(`route "${route.name}" names pool ${route.poolId}, which does not exist`);
    }
  }

  // Last of the checks: from here on, unchanged targets keep their connections and removed ones drain.
  let pools: PoolSet;
  try {
    pools = deps.upstreams.compile(snapshot.pools);
  } catch (error) {
    throw new ConfigCompileError("pools could not be compiled", { cause: error });
  }

  const targetIdsByPool = new Map(snapshot.pools.map((pool) => [pool.id, pool.targets.map((target) => target.id)]));
  const dashboardPools = new Set(
    snapshot.pools
      .filter((pool) => pool.targets.length > 0 && pool.targets.every((target) => new URL(target.url).origin === deps.dashboardOrigin))
      .map((pool) => pool.id),
  );
  const routes = snapshot.routes.map((route) => {
    const pool = pools.get(route.poolId);
    if (!pool) throw new ConfigCompileError(`pool ${route.poolId} is missing after compiling pools`);
    const metrics = deps.metrics.routeSeries(route.id, route.poolId, targetIdsByPool.get(route.poolId) ?? []);
    return compileRoute(route, pool, metrics, deps.workers ?? 1, dashboardPools.has(route.poolId));
  });
  return { revision, router: compileRouter(routes), pools, routes };
}

function compileRoute(
  route: Route,
  pool: CompiledPool,
  metrics: RouteSeries,
  workers: number,
  servesDashboard: boolean,
): CompiledRoute {
  return {
    id: route.id,
    name: route.name,
    hosts: route.hosts,
    pathPrefix: canonicalPrefix(route.pathPrefix),
    methods: compileMethods(route.methods),
    priority: route.priority,
    stripPrefix: route.stripPrefix,
    maxBodyBytes: route.maxBodyBytes,
    pool,
    requestHeaders: compileHeaderRules(route.requestHeaders),
    responseHeaders: compileHeaderRules(route.responseHeaders),
    cache: route.cache,
    policies: compilePolicies(route.policies, workers),
    metrics,
    servesDashboard,
  };
}

function compileMethods(methods: Route["methods"]): ReadonlySet<string> | null {
  if (methods === null) return null;
  const set = new Set<string>(methods);
  if (set.has("GET")) set.add("HEAD"); // RFC 9110 §9.3.2: HEAD is GET without the body
  return set;
}

function compileHeaderRules(rules: Route["requestHeaders"]): CompiledHeaderRules {
  return {
    set: Object.entries(rules.set).map(([name, value]) => [name.toLowerCase(), value] as const),
    remove: rules.remove.map((name) => name.toLowerCase()),
  };
}

/**
 * A target that is this node itself (a loopback or local address on one of our own ports) would
 * send every request around in a circle until the Via check answers 508, or hit the admin port
 * from the data plane. Refused per node, because only the node knows its ports.
 */
function refuseSelfTargets(snapshot: ConfigSnapshot, ownPorts: readonly number[]): void {
  const ports = new Set(ownPorts.filter((port) => port > 0));
  if (ports.size === 0) return;
  const ownAddresses = localAddresses();
  snapshot.pools.forEach((pool, poolIndex) => {
    pool.targets.forEach((target, targetIndex) => {
      const url = new URL(target.url);
      const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
      if (ports.has(port) && isSelfAddress(url.hostname, ownAddresses)) {
        throw new ConfigCompileError(
          `pools[${poolIndex}].targets[${targetIndex}].url: ${target.url} is this proxy node itself (port ${port}); it would loop`,
        );
      }
    });
  });
}

function localAddresses(): Set<string> {
  const addresses = new Set<string>();
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) addresses.add(entry.address.toLowerCase());
  }
  return addresses;
}

/** `hostname` as URL gives it: IPv4 already canonical, IPv6 in brackets and compressed. */
function isSelfAddress(hostname: string, ownAddresses: ReadonlySet<string>): boolean {
  const bare = hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (bare === "localhost" || bare.endsWith(".localhost")) return true;
  if (isIPv4(bare)) return bare.startsWith("127.") || bare === "0.0.0.0" || ownAddresses.has(bare);
  if (!isIPv6(bare)) return false;
  if (bare === "::1" || bare === "::" || ownAddresses.has(bare)) return true;
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(bare);
  if (!mapped) return false;
  const high = Number.parseInt(mapped[1] ?? "0", 16);
  const low = Number.parseInt(mapped[2] ?? "0", 16);
  return isSelfAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, ownAddresses);
}
