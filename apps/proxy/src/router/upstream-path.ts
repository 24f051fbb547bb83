import type { CompiledRoute } from "../config/compile-config.ts";

/** The path + query sent upstream: the route's prefix removed when it asks for that. */
export function upstreamPath(route: CompiledRoute, path: string, query: string): string {
  const stripped = route.stripPrefix && route.pathPrefix !== "/" ? path.slice(route.pathPrefix.length) : path;
  const forwardedPath = stripped.startsWith("/") ? stripped : `/${stripped}`;
  return query === "" ? forwardedPath : `${forwardedPath}?${query}`;
}
