import type { CompiledRoute } from "../config/compile-config.ts";

/**
 * The path + query sent upstream: the route's matched prefix replaced by its rewrite prefix, or
 * removed when the route strips it.
 */
export function upstreamPath(route: CompiledRoute, path: string, query: string): string {
  const replacement = route.policies.rewritePathPrefix;
  const replaces = replacement !== null || route.stripPrefix;
  const rest = replaces && route.pathPrefix !== "/" ? path.slice(route.pathPrefix.length) : path;
  let forwardedPath: string;
  if (replacement === null) forwardedPath = rest.startsWith("/") ? rest : `/${rest}`;
  else if (rest === "" || rest === "/") forwardedPath = replacement;
  else forwardedPath = replacement.endsWith("/") ? `${replacement}${rest.slice(1)}` : `${replacement}${rest}`;
  return query === "" ? forwardedPath : `${forwardedPath}?${query}`;
}
