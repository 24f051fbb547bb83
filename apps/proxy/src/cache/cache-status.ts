/**
 * RFC 9211 Cache-Status members, as this cache writes them:
 *   hit                                   fresh from storage
 *   hit; detail=coalesced                 served from the answer a concurrent request fetched
 *   hit; detail=stale-while-revalidate    stale from storage, a background refresh started
 *   hit; detail=stale-if-error            stale from storage, the origin failed
 *   fwd=uri-miss[; stored]                nothing stored for the URL
 *   fwd=vary-miss[; stored]               stored variants, none matching the request's Vary fields
 *   fwd=stale; fwd-status=N[; stored]     stored but stale: revalidated (304) or replaced
 *   fwd=request; fwd-status=N[; stored]   the request's directives (no-cache, max-age…) asked for the origin
 *   fwd=bypass; detail=…                  the rule or the request keeps this out of the cache
 *   fwd=method                            not GET or HEAD
 * `stored` is written with the headers: the object goes in once its body completes within limits.
 * A forwarded answer that is not stored says why in `detail` (e.g. no-store, set-cookie, too-large).
 */
export type ForwardReason = "uri-miss" | "vary-miss" | "stale" | "request" | "bypass" | "method";

export interface CacheStatusParts {
  hit?: boolean;
  fwd?: ForwardReason;
  fwdStatus?: number;
  stored?: boolean;
  detail?: string;
}

export function toCacheStatus(cacheName: string, parts: CacheStatusParts): string {
  let member = cacheName;
  if (parts.hit) member += "; hit";
  if (parts.fwd) member += `; fwd=${parts.fwd}`;
  if (parts.fwdStatus !== undefined) member += `; fwd-status=${parts.fwdStatus}`;
  if (parts.stored) member += "; stored";
  if (parts.detail) member += `; detail=${parts.detail}`;
  return member;
}

/** RFC 9211 §2: each cache appends its member after those of the caches nearer the origin. */
export function appendCacheStatus(existing: string | string[] | number | undefined, member: string): string {
  if (existing === undefined || existing === "") return member;
  return `${Array.isArray(existing) ? existing.join(", ") : String(existing)}, ${member}`;
}
