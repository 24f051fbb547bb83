/**
 * "Which route, pool, target and cache rule would serve this request, and why", answered from a
 * worker's current compiled config and live target state. Reads only: the balancer is peeked,
 * not turned, and the cache lookup moves nothing in the eviction order.
 */
import type { IncomingHttpHeaders } from "node:http";

import type { ExplainAnswer, ExplainQuestion } from "@concierge/config/node-questions";

import type { HttpCache } from "../cache/http-cache.ts";
import type { CompiledConfig, CompiledRoute } from "../config/compile-config.ts";
import { hostWithoutPort } from "../guard/request-shape.ts";
import { normalisePath } from "../guard/normalise-path.ts";
import { matchRoute } from "../router/match-route.ts";
import { toUpstreamPool, type UpstreamPool } from "../upstream/upstream-pool.ts";

export interface ExplainSources {
  nodeId: string;
  worker: number;
  current(): CompiledConfig | undefined;
  readonly cache: HttpCache;
}

export function explainRequest(question: ExplainQuestion, sources: ExplainSources): ExplainAnswer {
  const url = new URL(question.url);
  const request = {
    method: question.method,
    scheme: url.protocol === "https:" ? "https" : "http",
    host: hostWithoutPort(url.host),
    path: normalisePath(url.pathname),
    query: url.search.slice(1),
  } as const;
  const config = sources.current();
  const unanswered = { kind: "explain", nodeId: sources.nodeId, worker: sources.worker, request, route: null, pool: null, cache: null } as const;
  if (!config) return { ...unanswered, revision: null, reason: "this node has no configuration loaded yet" };

  const route = findRoute(config, request.host, request.path, request.method);
  if (!route) {
    return { ...unanswered, revision: config.revision, reason: whyNoRoute(config.routes, request) };
  }
  const headers: IncomingHttpHeaders = { host: url.host };
  const cacheInspection = route.cache.enabled
    ? sources.cache.inspect({ ...request, headers, rule: route.cache, routeId: route.id })
    : null;
  return {
    ...unanswered,
    revision: config.revision,
    reason: whyRoute(route, request),
    route: {
      id: route.id,
      name: route.name,
      hosts: [...route.hosts],
      pathPrefix: route.pathPrefix,
      methods: route.methods ? [...route.methods] : null,
      priority: route.priority,
    },
    pool: describePool(toUpstreamPool(route.pool), headers, sources.worker),
    cache: {
      enabled: route.cache.enabled,
      key: cacheInspection?.key ?? null,
      stored: cacheInspection?.stored ?? null,
    },
  };
}

function findRoute(config: CompiledConfig, host: string, path: string, method: string): CompiledRoute | undefined {
  try {
    return matchRoute(config.router, host, path, method);
  } catch {
    return undefined;
  }
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === "*") return true;
  if (pattern.startsWith("*.")) return host.endsWith(pattern.slice(1));
  return pattern === host;
}

function pathUnder(prefix: string, path: string): boolean {
  return prefix === "/" || path === prefix || path.startsWith(`${prefix}/`);
}

function methodsOf(route: CompiledRoute): string {
  return route.methods ? [...route.methods].join(", ") : "every method";
}

type RequestFacts = ExplainAnswer["request"];

function whyRoute(route: CompiledRoute, request: RequestFacts): string {
  const pattern =
    route.hosts.find((candidate) => candidate === request.host) ??
    route.hosts.filter((candidate) => hostMatches(candidate, request.host)).sort((a, b) => b.length - a.length)[0] ??
    "*";
  const host = pattern === request.host ? `host ${request.host} exactly` : `host ${request.host} by the pattern ${pattern}`;
  return (
    `route "${route.name}" serves it: ${host}, the longest fitting path prefix ${route.pathPrefix}, ` +
    `method ${request.method} (the route takes ${methodsOf(route)}), priority ${route.priority}`
  );
}

function whyNoRoute(routes: readonly CompiledRoute[], request: RequestFacts): string {
  const forHost = routes.filter((route) => route.hosts.some((pattern) => hostMatches(pattern, request.host)));
  if (forHost.length === 0) return `no route serves the host ${request.host}: the proxy answers 404`;
  const forPath = forHost.filter((route) => pathUnder(route.pathPrefix, request.path));
  if (forPath.length === 0) {
    const prefixes = [...new Set(forHost.map((route) => route.pathPrefix))].sort().join(", ");
    return `routes serve the host ${request.host}, but none under the path ${request.path} (their prefixes: ${prefixes}): the proxy answers 404`;
  }
  const methods = forPath.map((route) => `"${route.name}" takes ${methodsOf(route)}`).join("; ");
  return `routes serve ${request.host}${request.path}, but none takes the method ${request.method} (${methods}): the proxy answers 404`;
}

function describePool(pool: UpstreamPool, headers: IncomingHttpHeaders, worker: number): NonNullable<ExplainAnswer["pool"]> {
  const eligible = pool.eligible();
  const strategy = pool.balancer.strategy;
  const next = pool.balancer.peek?.(eligible, { clientIp: "", headers });
  let nextReason: string;
  if (eligible.length === 0) nextReason = "no target is eligible: the proxy answers 503";
  else if (!pool.balancer.peek) nextReason = `${strategy} chooses per request, at random between two targets`;
  else nextReason = `next by ${strategy} on worker ${worker} (each worker keeps its own turn)`;
  return {
    id: pool.id,
    name: pool.name,
    strategy,
    targets: pool.targets.map((target) => ({
      id: target.id,
      url: target.url,
      state: target.health.state,
      weight: target.weight,
      inFlight: target.inFlight,
      eligible: eligible.includes(target),
    })),
    next: next ? { id: next.id, url: next.url } : null,
    nextReason,
  };
}
