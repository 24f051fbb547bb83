import type { CacheStore } from "./cache-store.ts";
import { toResource, toSortedQuery } from "./cache-key.ts";

export type PurgeSelector = { url: string } | { prefix: string } | { tag: string };

/**
 * Parses an absolute URL the way requests are keyed: lower-cased scheme and host, default port
 * dropped, path as given (dot segments resolved), query sorted.
 */
function toPurgeTarget(url: string): { resource: string; sortedQuery: string } {
  const parsed = new URL(url);
  const scheme = parsed.protocol.slice(0, -1);
  return {
    resource: toResource(scheme, parsed.host, parsed.pathname),
    sortedQuery: toSortedQuery(parsed.search.slice(1)),
  };
}

/**
 * `url` without a query removes every query variant of that path; with one, only that query.
 * `prefix` matches scheme + host + path prefixes ("https://shop.example.com/assets/").
 * `tag` matches the origin's Cache-Tag / Surrogate-Key values. Returns the objects removed.
 */
export function purgeStore(store: CacheStore, selector: PurgeSelector): number {
  if ("tag" in selector) return store.deleteTag(selector.tag);
  if ("prefix" in selector) return store.deleteResourcePrefix(toPurgeTarget(selector.prefix).resource);
  const { resource, sortedQuery } = toPurgeTarget(selector.url);
  return store.deleteResource(resource, sortedQuery === "" ? undefined : sortedQuery);
}
