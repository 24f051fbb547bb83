import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

import CachePolicy from "http-cache-semantics";

import type { CacheRule } from "@concierge/config/cache-rule";

import type { StoredResponse } from "./cache-store.ts";

/**
 * Storability comes from http-cache-semantics (shared mode). Freshness is computed here because
 * rules may replace or supply the lifetime, and because the library treats `must-revalidate` and
 * `proxy-revalidate` as "never fresh", where RFC 9111 §5.2.2.2/§5.2.2.8 apply them only once stale.
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

/** What the library reads, as plain strings (it expects one string per field). */
function toPolicyHeaders(headers: IncomingHttpHeaders | OutgoingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const text = toHeaderString(value);
    if (text !== undefined) flat[name] = text;
  }
  return flat;
}

/** RFC 9111 §3 (and §3.5 for Authorization), shared cache. */
export function isStorable(
  request: { method: string; headers: IncomingHttpHeaders },
  response: { statusCode: number; headers: IncomingHttpHeaders | OutgoingHttpHeaders },
): boolean {
  const policy = new CachePolicy(
    { method: request.method, headers: toPolicyHeaders(request.headers) },
    { status: response.statusCode, headers: toPolicyHeaders(response.headers) },
    { shared: true },
  );
  return policy.storable();
}

/** RFC 9111 §3.5: directives that let a shared cache reuse an answer to an authenticated request. */
export function allowsAuthenticatedReuse(directives: CacheDirectives): boolean {
  return directives.has("public") || directives.has("s-maxage") || directives.has("must-revalidate");
}

/** RFC 9111 §4.2.1, with the rule's override and default; `no-cache` always means "revalidate first". */
export function toFreshnessLifetimeSeconds(
  headers: OutgoingHttpHeaders,
  directives: CacheDirectives,
  rule: CacheRule,
): number {
  if (directives.has("no-cache")) return 0;
  if (rule.ttlOverrideSeconds !== undefined) return rule.ttlOverrideSeconds;
  const sharedMaxAge = toDeltaSeconds(directives.get("s-maxage"));
  if (sharedMaxAge !== undefined) return sharedMaxAge;
  const maxAge = toDeltaSeconds(directives.get("max-age"));
  if (maxAge !== undefined) return maxAge;
  const expires = toHeaderString(headers.expires);
  if (expires !== undefined) {
    const expiresMs = Date.parse(expires);
    const dateMs = Date.parse(toHeaderString(headers.date) ?? "");
    // RFC 9111 §5.3: an invalid Expires (e.g. "0") means already expired.
    if (Number.isNaN(expiresMs) || Number.isNaN(dateMs)) return 0;
    return Math.max(0, (expiresMs - dateMs) / 1000);
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
