import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

/** Conditional request fields the cache answers itself and never forwards for its own fetches. */
export const CLIENT_CONDITIONAL_HEADERS = ["if-none-match", "if-modified-since"] as const;

function toText(value: string | string[] | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(", ") : String(value);
}

function toOpaqueTag(entityTag: string): string {
  const trimmed = entityTag.trim();
  return trimmed.startsWith("W/") ? trimmed.slice(2) : trimmed;
}

/**
 * RFC 9110 §13.2.2: If-None-Match (weak comparison) takes precedence; If-Modified-Since only
 * without it, compared with Last-Modified or, failing that, Date (RFC 9111 §4.3.2). True when
 * the client's copy is current and a 304 answers it.
 */
export function isNotModified(request: IncomingHttpHeaders, stored: OutgoingHttpHeaders): boolean {
  const ifNoneMatch = request["if-none-match"];
  if (ifNoneMatch !== undefined) {
    const entityTag = toText(stored.etag);
    if (entityTag === undefined) return false;
    if (ifNoneMatch.trim() === "*") return true;
    const current = toOpaqueTag(entityTag);
    return ifNoneMatch.split(",").some((candidate) => toOpaqueTag(candidate) === current);
  }
  const ifModifiedSince = request["if-modified-since"];
  if (ifModifiedSince === undefined) return false;
  const sinceMs = Date.parse(ifModifiedSince);
  const lastModifiedMs = Date.parse(toText(stored["last-modified"] ?? stored.date) ?? "");
  return !Number.isNaN(sinceMs) && !Number.isNaN(lastModifiedMs) && lastModifiedMs <= sinceMs;
}

/** RFC 9110 §15.4.5: the fields a 304 carries. */
const NOT_MODIFIED_FIELDS = ["cache-control", "content-location", "date", "etag", "expires", "vary", "last-modified"];

export function toNotModifiedHeaders(stored: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const name of NOT_MODIFIED_FIELDS) {
    const value = stored[name];
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}

/**
 * RFC 9111 §3.2: a 304 replaces the stored fields it carries, except those describing the
 * stored body, which it did not resend (a digest of the old body would be wrong on the new one).
 */
const BODY_FIELDS = new Set(["content-length", "content-encoding", "transfer-encoding", "content-range", "content-md5"]);

export function mergeNotModified(stored: OutgoingHttpHeaders, notModified: IncomingHttpHeaders): OutgoingHttpHeaders {
  const merged: OutgoingHttpHeaders = { ...stored };
  for (const [name, value] of Object.entries(notModified)) {
    if (value === undefined || BODY_FIELDS.has(name) || name === "age" || name === "set-cookie") continue;
    merged[name] = value;
  }
  return merged;
}

/**
 * RFC 9111 §4.3.4: the 304 updates the stored answer only when its strong validator matches
 * (a 304 without validators selects the one stored answer).
 */
export function isSameRepresentation(stored: OutgoingHttpHeaders, notModified: IncomingHttpHeaders): boolean {
  const fresh = notModified.etag;
  const old = toText(stored.etag);
  if (fresh === undefined || old === undefined) return true;
  return toOpaqueTag(fresh) === toOpaqueTag(old);
}
