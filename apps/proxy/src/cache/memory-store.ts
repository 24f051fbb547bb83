import type { CacheStore, StoredResponse } from "./cache-store.ts";

const NO_VARIANTS: readonly StoredResponse[] = [];

/**
 * A byte-bounded LRU in process memory. A Map's insertion order is the recency order: a touch
 * re-inserts, eviction takes from the front. Indexes by primary key, resource and tag keep
 * lookups and purges from scanning every object (a prefix purge scans resources only). The
 * variants of a primary key are kept in the order lookups want them, so a hit sorts nothing.
 */
export function createMemoryStore(options: { maxBytes: number }): CacheStore {
  const { maxBytes } = options;
  const byKey = new Map<string, StoredResponse>();
  /** Most recently stored first. */
  const byPrimary = new Map<string, StoredResponse[]>();
  const byResource = new Map<string, Set<StoredResponse>>();
  const byTag = new Map<string, Set<StoredResponse>>();
  let bytes = 0;
  let evictions = 0;
  /** The object last moved to the recent end: touching it again would change nothing. */
  let mostRecent: StoredResponse | undefined;

  function addToIndex(index: Map<string, Set<StoredResponse>>, name: string, stored: StoredResponse): void {
    const members = index.get(name);
    if (members) members.add(stored);
    else index.set(name, new Set([stored]));
  }

  function removeFromIndex(index: Map<string, Set<StoredResponse>>, name: string, stored: StoredResponse): void {
    const members = index.get(name);
    if (!members) return;
    members.delete(stored);
    if (members.size === 0) index.delete(name);
  }

  function addVariant(stored: StoredResponse): void {
    const variants = byPrimary.get(stored.primaryKey);
    if (!variants) {
      byPrimary.set(stored.primaryKey, [stored]);
      return;
    }
    const newer = variants.findIndex((variant) => variant.responseTimeMs < stored.responseTimeMs);
    variants.splice(newer === -1 ? variants.length : newer, 0, stored);
  }

  function removeVariant(stored: StoredResponse): void {
    const variants = byPrimary.get(stored.primaryKey);
    if (!variants) return;
    variants.splice(variants.indexOf(stored), 1);
    if (variants.length === 0) byPrimary.delete(stored.primaryKey);
  }

  function remove(stored: StoredResponse): void {
    if (byKey.get(stored.key) !== stored) return;
    byKey.delete(stored.key);
    if (mostRecent === stored) mostRecent = undefined;
    removeVariant(stored);
    removeFromIndex(byResource, stored.resource, stored);
    for (const tag of stored.tags) removeFromIndex(byTag, tag, stored);
    bytes -= stored.sizeBytes;
  }

  function removeAll(members: Iterable<StoredResponse> | undefined, keep?: (stored: StoredResponse) => boolean): number {
    if (!members) return 0;
    let removed = 0;
    for (const stored of [...members]) {
      if (keep?.(stored)) continue;
      remove(stored);
      removed += 1;
    }
    return removed;
  }

  return {
    variants(primaryKey) {
      return byPrimary.get(primaryKey) ?? NO_VARIANTS;
    },

    touch(stored) {
      if (stored === mostRecent || byKey.get(stored.key) !== stored) return;
      byKey.delete(stored.key);
      byKey.set(stored.key, stored);
      mostRecent = stored;
    },

    put(stored) {
      if (stored.sizeBytes > maxBytes) return false;
      const previous = byKey.get(stored.key);
      if (previous) remove(previous);
      for (const oldest of byKey.values()) {
        if (bytes + stored.sizeBytes <= maxBytes) break;
        remove(oldest);
        evictions += 1;
      }
      byKey.set(stored.key, stored);
      mostRecent = stored;
      addVariant(stored);
      addToIndex(byResource, stored.resource, stored);
      for (const tag of stored.tags) addToIndex(byTag, tag, stored);
      bytes += stored.sizeBytes;
      return true;
    },

    delete: remove,

    deleteResource(resource, sortedQuery) {
      return removeAll(
        byResource.get(resource),
        sortedQuery === undefined ? undefined : (stored) => stored.sortedQuery !== sortedQuery,
      );
    },

    deleteResourcePrefix(prefix) {
      let removed = 0;
      for (const [resource, members] of [...byResource]) {
        if (resource.startsWith(prefix)) removed += removeAll(members);
      }
      return removed;
    },

    deleteTag(tag) {
      return removeAll(byTag.get(tag));
    },

    usage() {
      return { objects: byKey.size, bytes, maxBytes, evictions };
    },
  };
}
