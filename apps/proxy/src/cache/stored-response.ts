import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

import type { CacheRule } from "@concierge/config/cache-rule";

import type { CacheKey } from "./cache-key.ts";
import { toSecondaryKey } from "./cache-key.ts";
import type { StoredResponse } from "./cache-store.ts";
import { allowsAuthenticatedReuse, allowsServingStale, toFreshnessLifetimeSeconds, toStaleWindows } from "./freshness.ts";
import type { ResponseDirectives } from "./response-directives.ts";

/** What an object costs beyond its body and fields: the maps and records that hold it. */
const OBJECT_OVERHEAD_BYTES = 256;
const EMPTY_BODY = Buffer.alloc(0);

/** Names from a Vary field, lower-cased; `*` included as is. */
export function toVaryNames(vary: string | string[] | number | undefined): string[] {
  if (vary === undefined) return [];
  const text = Array.isArray(vary) ? vary.join(",") : String(vary);
  return text
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "");
}

/** Purge tags from Cache-Tag and Surrogate-Key, space or comma separated. */
function toTags(headers: OutgoingHttpHeaders): string[] {
  const tags = new Set<string>();
  for (const name of ["cache-tag", "surrogate-key"]) {
    const value = headers[name];
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(" ") : String(value);
    for (const tag of text.split(/[\s,]+/)) if (tag !== "") tags.add(tag);
  }
  return [...tags];
}

function hasValidator(headers: OutgoingHttpHeaders): boolean {
  return headers.etag !== undefined || headers["last-modified"] !== undefined;
}

/** The origin's fields as kept: no Set-Cookie (RFC 9111 §3.1 lets a rule store the rest), no Age. */
export function toStoredHeaders(headers: IncomingHttpHeaders | OutgoingHttpHeaders): OutgoingHttpHeaders {
  const stored: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === "set-cookie" || name === "age") continue;
    stored[name] = value;
  }
  return stored;
}

function toHeaderBytes(headers: OutgoingHttpHeaders): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(headers)) {
    bytes += name.length + (Array.isArray(value) ? value.join("").length : String(value).length) + 4;
  }
  return bytes;
}

/** Everything about an answer but its body, which `withBody` adds once it has arrived. */
export function toStoredResponse(input: {
  key: CacheKey;
  requestHeaders: IncomingHttpHeaders;
  statusCode: number;
  headers: OutgoingHttpHeaders;
  directives: ResponseDirectives;
  rule: CacheRule;
  responseTimeMs: number;
  initialAgeSeconds: number;
}): StoredResponse {
  const { key, headers, rule, directives } = input;
  const varyNames = toVaryNames(headers.vary);
  const secondaryKey = toSecondaryKey(input.requestHeaders, varyNames);
  const windows = toStaleWindows(directives.effective, rule);
  const storageKey = `${key.primary}\n#${secondaryKey}`;
  return {
    key: storageKey,
    primaryKey: key.primary,
    resource: key.resource,
    sortedQuery: key.sortedQuery,
    varyNames,
    secondaryKey,
    statusCode: input.statusCode,
    headers,
    body: EMPTY_BODY,
    responseTimeMs: input.responseTimeMs,
    initialAgeSeconds: input.initialAgeSeconds,
    freshnessLifetimeSeconds: toFreshnessLifetimeSeconds(headers, directives, rule, input.responseTimeMs),
    ...windows,
    allowsStale: allowsServingStale(directives.effective),
    allowsAuthenticated: allowsAuthenticatedReuse(directives.cacheControl),
    tags: toTags(headers),
    sizeBytes: toHeaderBytes(headers) + storageKey.length + OBJECT_OVERHEAD_BYTES,
  };
}

export function withBody(stored: StoredResponse, body: Buffer): StoredResponse {
  const headers = { ...stored.headers, "content-length": String(body.length) };
  return { ...stored, headers, body, sizeBytes: stored.sizeBytes - stored.body.length + body.length };
}

/** Worth keeping: it can be served fresh, served stale, or revalidated. */
export function isWorthStoring(stored: StoredResponse): boolean {
  return (
    stored.freshnessLifetimeSeconds > 0 ||
    hasValidator(stored.headers) ||
    stored.staleWhileRevalidateSeconds > 0 ||
    stored.staleIfErrorSeconds > 0
  );
}
