import type { CacheRule } from "@concierge/config/cache-rule";

import type { CacheableRequest } from "../origin.ts";
import { normaliseHeaderValue, normaliseSelectingValue } from "./header-value.ts";
import { readCookie } from "./request-cookies.ts";

export interface CacheKey {
  /** Scheme, host, path, the rule's query part and the rule's header and cookie parts. */
  primary: string;
  /** Scheme, host and path: what purge by URL or prefix and invalidation address. */
  resource: string;
  /** Every query parameter, sorted: lets a purge by URL with a query hit only that query. */
  sortedQuery: string;
}

export function toResource(scheme: string, host: string, path: string): string {
  return `${scheme}://${host}${path}`;
}

/** Parameters sorted as raw `name=value` strings, so the encoding the client chose is kept. */
export function toSortedQuery(query: string): string {
  if (query === "") return "";
  return query
    .split("&")
    .filter((parameter) => parameter !== "")
    .sort()
    .join("&");
}

function toKeyedQuery(sortedQuery: string, keyQuery: CacheRule["keyQuery"]): string {
  if (keyQuery === "none" || sortedQuery === "") return "";
  if (keyQuery === "all") return sortedQuery;
  const included = new Set(keyQuery.include);
  return sortedQuery
    .split("&")
    .filter((parameter) => {
      const separator = parameter.indexOf("=");
      return included.has(separator === -1 ? parameter : parameter.slice(0, separator));
    })
    .join("&");
}

/** The key never holds fewer parts than scheme, host and path; a rule only adds parts. */
export function toCacheKey(request: CacheableRequest): CacheKey {
  const { rule } = request;
  const resource = toResource(request.scheme, request.host, request.path);
  const sortedQuery = toSortedQuery(request.query);
  const keyedQuery = toKeyedQuery(sortedQuery, rule.keyQuery);
  let primary = keyedQuery === "" ? resource : `${resource}?${keyedQuery}`;
  for (const name of rule.keyHeaders) {
    primary += `\nh:${name}=${normaliseHeaderValue(request.headers[name]) ?? "\u0000"}`;
  }
  for (const name of rule.keyCookies) {
    primary += `\nc:${name}=${readCookie(request.headers.cookie, name) ?? "\u0000"}`;
  }
  return { primary, resource, sortedQuery };
}

/** RFC 9111 §4.1: the request's values of the header fields the stored response's Vary names. */
export function toSecondaryKey(
  headers: CacheableRequest["headers"],
  varyNames: readonly string[],
): string {
  let secondary = "";
  for (const name of varyNames) {
    secondary += `${name}=${normaliseSelectingValue(name, headers[name]) ?? "\u0000"}\n`;
  }
  return secondary;
}
