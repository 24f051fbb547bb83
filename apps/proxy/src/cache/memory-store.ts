import type { CacheStore, StoredResponse } from "./cache-store.ts";

/**
 * A byte-bounded LRU in process memory. A Map's insertion order is the recency order: a touch
 * re-inserts, eviction takes from the front. Indexes by primary key, resource and tag keep
 * lookups and purges from scanning every object (a prefix purge scans resources only).
 */
export function createMemoryStore(options: { maxBytes: number }): CacheStore {
  const { maxBytes } = options;
  const byKey = new Map<string, StoredResponse>();
  const byPrimary = new Map<string, Set<StoredResponse>>();
  const byResource = new Map<string, Set<StoredResponse>>();
  const byTag = new Map<string, Set<StoredResponse>>();
  let bytes = 0;
  let evictions = 0;

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

  function remove(stored: StoredResponse): void {
    if (byKey.get(stored.key) !== stored) return;
    byKey.delete(stored.key);
    removeFromIndex(byPrimary, stored.primaryKey, stored);
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
      const members = byPrimary.get(primaryKey);
      if (!members) return [];
      return [...members].sort((a, b) => b.responseTimeMs - a.responseTimeMs);
    },

    touch(stored) {
      if (byKey.get(stored.key) !== stored) return;
      byKey.delete(stored.key);
      byKey.set(stored.key, stored);
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
      addToIndex(byPrimary, stored.primaryKey, stored);
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
