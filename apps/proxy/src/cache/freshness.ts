import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

import type { CacheRule } from "@concierge/config/cache-rule";

import type { StoredResponse } from "./cache-store.ts";
import type { ResponseDirectives } from "./response-directives.ts";

/**
 * Storability and freshness are computed here rather than by http-cache-semantics: rules may
 * replace or supply the lifetime, targeted fields (RFC 9213) may replace Cache-Control, the library
 * treats `must-revalidate` and `proxy-revalidate` as "never fresh" where RFC 9111 §5.2.2.2/§5.2.2.8
 * apply them only once stale, and it refuses statuses outside a fixed list even with explicit
 * freshness, which RFC 9111 §3 allows to be stored.
 */

export type CacheDirectives = ReadonlyMap<string, string | true>;

const NO_DIRECTIVES: CacheDirectives = new Map();

/** RFC 9111 §5.2; a directive given twice keeps its first value. */
export function parseCacheControl(value: string | string[] | number | undefined): CacheDirectives {
  if (value === undefined || value === "") return NO_DIRECTIVES;
  const directives = new Map<string, string | true>();
  const text = Array.isArray(value) ? value.join(",") : String(value);
  for (const part of text.split(",")) {
    const separator = part.indexOf("=");
    const name = (separator === -1 ? part : part.slice(0, separator)).trim().toLowerCase();
    if (name === "" || directives.has(name)) continue;
    directives.set(name, separator === -1 ? true : part.slice(separator + 1).trim().replace(/^"|"$/g, ""));
  }
  return directives;
}

export function toDeltaSeconds(value: string | true | undefined): number | undefined {
  if (typeof value !== "string" || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function toHeaderString(value: string | string[] | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(", ") : String(value);
}

/** RFC 9111 §4.2.2: statuses a cache may give heuristic freshness without being told. */
const HEURISTICALLY_CACHEABLE = new Set([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501]);
/** RFC 9111 §5.2.2.3: statuses whose caching this cache implements, for `must-understand`. */
const UNDERSTOOD = new Set([200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414, 501]);

/**
 * RFC 9111 §3 for a GET answer whose no-store, private and Authorization checks already passed:
 * a final status (206 and 304 are never stored whole) with explicit freshness, `public`, or a
 * heuristically cacheable status.
 */
export function isStorable(
  statusCode: number,
  headers: IncomingHttpHeaders | OutgoingHttpHeaders,
  directives: ResponseDirectives,
): boolean {
  if (statusCode < 200 || statusCode === 206 || statusCode === 304) return false;
  const { effective } = directives;
  if (effective.has("must-understand") && !UNDERSTOOD.has(statusCode)) return false;
  return (
    (!directives.targeted && headers.expires !== undefined) ||
    effective.has("max-age") ||
    effective.has("s-maxage") ||
    effective.has("public") ||
    directives.cacheControl.has("public") ||
    HEURISTICALLY_CACHEABLE.has(statusCode)
  );
}

/** RFC 9111 §3.5: directives that let a shared cache reuse an answer to an authenticated request. */
export function allowsAuthenticatedReuse(directives: CacheDirectives): boolean {
  return directives.has("public") || directives.has("s-maxage") || directives.has("must-revalidate");
}

/**
 * RFC 9111 §4.2.1, with the rule's override and default; `no-cache` always means "revalidate
 * first". A targeted field replaces Expires too. Without a valid Date, the time the answer
 * arrived stands in for it (RFC 9110 §6.6.1).
 */
export function toFreshnessLifetimeSeconds(
  headers: OutgoingHttpHeaders,
  directives: ResponseDirectives,
  rule: CacheRule,
  responseTimeMs: number,
): number {
  const { effective } = directives;
  if (effective.has("no-cache")) return 0;
  if (rule.ttlOverrideSeconds !== undefined) return rule.ttlOverrideSeconds;
  const sharedMaxAge = toDeltaSeconds(effective.get("s-maxage"));
  if (sharedMaxAge !== undefined) return sharedMaxAge;
  const maxAge = toDeltaSeconds(effective.get("max-age"));
  if (maxAge !== undefined) return maxAge;
  const expires = directives.targeted ? undefined : toHeaderString(headers.expires);
  if (expires !== undefined) {
    const expiresMs = Date.parse(expires);
    // RFC 9111 §5.3: an invalid Expires (e.g. "0") means already expired.
    if (Number.isNaN(expiresMs)) return 0;
    const dateMs = Date.parse(toHeaderString(headers.date) ?? "");
    return Math.max(0, (expiresMs - (Number.isNaN(dateMs) ? responseTimeMs : dateMs)) / 1000);
  }
  if (rule.defaultTtlSeconds !== undefined) return rule.defaultTtlSeconds;
  return toHeuristicLifetimeSeconds(headers);
}

/** RFC 9111 §4.2.2: a tenth of the time since Last-Modified, as the RFC suggests. */
function toHeuristicLifetimeSeconds(headers: OutgoingHttpHeaders): number {
  const lastModifiedMs = Date.parse(toHeaderString(headers["last-modified"]) ?? "");
  const dateMs = Date.parse(toHeaderString(headers.date) ?? "");
  if (Number.isNaN(lastModifiedMs) || Number.isNaN(dateMs) || dateMs <= lastModifiedMs) return 0;
  return Math.floor((dateMs - lastModifiedMs) / 10_000);
}

/** RFC 9111 §4.2.3, trusting the origin's Age and the time spent here (not the Date, which may be skewed). */
export function toCurrentAgeSeconds(stored: StoredResponse, nowMs: number): number {
  return stored.initialAgeSeconds + Math.max(0, nowMs - stored.responseTimeMs) / 1000;
}

/** RFC 9111 §5.2.2.2, §5.2.2.4, §5.2.2.8: a shared cache never serves these stale. */
export function allowsServingStale(directives: CacheDirectives): boolean {
  return !(directives.has("must-revalidate") || directives.has("proxy-revalidate") || directives.has("no-cache"));
}

/** RFC 5861 windows from the response, else the rule's defaults; none once revalidation is mandatory. */
export function toStaleWindows(
  directives: CacheDirectives,
  rule: CacheRule,
): { staleWhileRevalidateSeconds: number; staleIfErrorSeconds: number } {
  if (!allowsServingStale(directives)) return { staleWhileRevalidateSeconds: 0, staleIfErrorSeconds: 0 };
  return {
    staleWhileRevalidateSeconds:
      toDeltaSeconds(directives.get("stale-while-revalidate")) ?? rule.staleWhileRevalidateSeconds,
    staleIfErrorSeconds: toDeltaSeconds(directives.get("stale-if-error")) ?? rule.staleIfErrorSeconds,
  };
}

export function toAgeHeaderSeconds(value: string | string[] | number | undefined): number {
  const seconds = toDeltaSeconds(toHeaderString(value)?.split(",")[0]?.trim());
  return seconds ?? 0;
}
