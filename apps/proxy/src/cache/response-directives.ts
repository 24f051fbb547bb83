import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

import type { CacheDirectives } from "./freshness.ts";
import { parseCacheControl } from "./freshness.ts";
import { copyHeaders } from "./copy-headers.ts";

/** The directives of an origin answer, as this cache applies them. */
export interface ResponseDirectives {
  /** The Cache-Control field. Its `private` and `no-store` bind this cache whatever else says. */
  cacheControl: CacheDirectives;
  /** What governs freshness here: a field targeted at this cache when there is one, else Cache-Control. */
  effective: CacheDirectives;
  /** True when a targeted field replaced Cache-Control and Expires (RFC 9213 §2.1). */
  targeted: boolean;
}

function toText(value: string | string[] | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(",") : String(value);
}

/**
 * Edge Architecture 1.0 Surrogate-Control: `max-age=60;token, no-store`. A directive with a
 * `;token` suffix is meant only for the surrogate that announced that token in
 * Surrogate-Capability; the others are for every surrogate.
 */
function parseSurrogateControl(value: string, cacheName: string): CacheDirectives | undefined {
  const kept: string[] = [];
  for (const part of value.split(",")) {
    const separator = part.indexOf(";");
    if (separator === -1) {
      kept.push(part);
      continue;
    }
    if (
      part
        .slice(separator + 1)
        .trim()
        .toLowerCase() === cacheName
    )
      kept.push(part.slice(0, separator));
  }
  const directives = parseCacheControl(kept.join(","));
  return directives.size === 0 ? undefined : directives;
}

/**
 * RFC 9213: CDN-Cache-Control, else Surrogate-Control, addressed to this cache replaces
 * Cache-Control and Expires for its freshness. Neither can make it store what Cache-Control
 * marks `private` or `no-store`: those answers stay out of a shared cache (see storage-decision.ts).
 */
export function toResponseDirectives(
  headers: IncomingHttpHeaders | OutgoingHttpHeaders,
  cacheName: string,
): ResponseDirectives {
  const cacheControl = parseCacheControl(headers["cache-control"]);
  const cdnCacheControl = toText(headers["cdn-cache-control"]);
  const surrogateControl = toText(headers["surrogate-control"]);
  const targeted =
    (cdnCacheControl === undefined ? undefined : parseCacheControl(cdnCacheControl)) ??
    (surrogateControl === undefined
      ? undefined
      : parseSurrogateControl(surrogateControl, cacheName));
  if (targeted === undefined || targeted.size === 0)
    return { cacheControl, effective: cacheControl, targeted: false };
  return { cacheControl, effective: targeted, targeted: true };
}

/** Edge Architecture 1.0: the surrogate announces itself upstream, so origins can target it. */
export function withSurrogateCapability(
  headers: IncomingHttpHeaders,
  cacheName: string,
): IncomingHttpHeaders {
  const capability = `${cacheName}="Surrogate/1.0"`;
  const existing = headers["surrogate-capability"];
  const announced = Array.isArray(existing) ? existing.join(",") : existing;
  const announcing = copyHeaders(headers);
  announcing["surrogate-capability"] = announced ? `${announced}, ${capability}` : capability;
  return announcing;
}
