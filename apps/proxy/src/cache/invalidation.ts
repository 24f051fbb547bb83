import type { IncomingHttpHeaders } from "node:http";

import type { CacheableRequest } from "../origin.ts";
import { toResource } from "./cache-key.ts";

export const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/** Upper-case percent escapes, as request paths are normalised before they reach the cache. */
function toCanonicalPath(pathname: string): string {
  return pathname.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase());
}

/**
 * RFC 9111 §4.4: after an unsafe method answered with a non-error status, the target URI and the
 * same-origin URIs in Location and Content-Location are invalidated (every query variant of
 * each: invalidating too much is safe, too little is not).
 */
export function toInvalidatedResources(
  request: CacheableRequest,
  response: { statusCode: number; headers: IncomingHttpHeaders },
): string[] {
  if (SAFE_METHODS.has(request.method) || response.statusCode >= 400) return [];
  const target = toResource(request.scheme, request.host, request.path);
  const resources = [target];
  const origin = `${request.scheme}://${request.host}`;
  for (const name of ["location", "content-location"] as const) {
    const value = response.headers[name];
    if (typeof value !== "string") continue;
    let url: URL;
    try {
      url = new URL(value, target);
    } catch {
      continue;
    }
    if (url.origin !== origin) continue;
    resources.push(toResource(request.scheme, request.host, toCanonicalPath(url.pathname)));
  }
  return resources;
}
