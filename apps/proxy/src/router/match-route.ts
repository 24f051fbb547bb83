import type { CompiledRoute } from "../config/compile-config.ts";
import { ProxyError } from "../errors.ts";
import type { HostTable, Router } from "./compile-router.ts";

/**
 * Router stage: exact host, then wildcard suffixes from the most specific, then `*`; inside a
 * host table, the longest segment-wise prefix whose candidates accept the method. A host table
 * with no fitting route falls through to the next, less specific one. Host and path arrive
 * normalised (lower-cased host without port, canonical path).
 */
export function matchRoute(router: Router, host: string, path: string, method: string): CompiledRoute {
  const route =
    matchInTable(router.exact.get(host), path, method) ??
    matchWildcard(router, host, path, method) ??
    matchInTable(router.any, path, method);
  if (!route) throw new ProxyError("NO_ROUTE", "client");
  return route;
}

function matchWildcard(router: Router, host: string, path: string, method: string): CompiledRoute | undefined {
  if (router.wildcard.size === 0) return undefined;
  for (let dot = host.indexOf("."); dot !== -1; dot = host.indexOf(".", dot + 1)) {
    const route = matchInTable(router.wildcard.get(host.slice(dot)), path, method);
    if (route) return route;
  }
  return undefined;
}

function matchInTable(table: HostTable | undefined, path: string, method: string): CompiledRoute | undefined {
  if (!table) return undefined;
  let end = path.length;
  for (;;) {
    const route = pickCandidate(table.get(end <= 1 ? "/" : path.slice(0, end)), method);
    if (route) return route;
    if (end <= 1) return undefined;
    end = path.lastIndexOf("/", end - 1);
  }
}

function pickCandidate(candidates: readonly CompiledRoute[] | undefined, method: string): CompiledRoute | undefined {
  if (!candidates) return undefined;
  for (const route of candidates) {
    if (route.methods === null || route.methods.has(method)) return route;
  }
  return undefined;
}
