import type { OutgoingHttpHeaders } from "node:http";

/** One stored answer: a variant of a primary key (RFC 9111 §4.1). */
export interface StoredResponse {
  /** Primary key + secondary (Vary) key; unique in a store. */
  key: string;
  primaryKey: string;
  /** Scheme, host and path (see cache-key.ts). */
  resource: string;
  sortedQuery: string;
  /** Lower-cased names from the response's Vary, in order. */
  varyNames: readonly string[];
  /** The request's normalised values of `varyNames` (see cache-key.ts). */
  secondaryKey: string;
  statusCode: number;
  /** Without Age, Set-Cookie and hop-by-hop fields. */
  headers: OutgoingHttpHeaders;
  body: Buffer;
  /** When the answer (or its last 304) arrived, in ms of the cache's clock. */
  responseTimeMs: number;
  /** The Age the origin sent with it, in seconds (RFC 9111 §4.2.3). */
  initialAgeSeconds: number;
  freshnessLifetimeSeconds: number;
  staleWhileRevalidateSeconds: number;
  staleIfErrorSeconds: number;
  /** False under must-revalidate, proxy-revalidate or no-cache: never served stale, not even on max-stale. */
  allowsStale: boolean;
  /** RFC 9111 §3.5: may answer a request that carries Authorization. */
  allowsAuthenticated: boolean;
  tags: readonly string[];
  /** What the object costs the byte budget. */
  sizeBytes: number;
}

/**
 * Where stored answers live. Synchronous so a lookup never yields on the request path; a shared
 * remote tier goes behind a second implementation that fills this one.
 */
export interface CacheStore {
  /** Every stored variant of a primary key, most recently stored first. */
  variants(primaryKey: string): readonly StoredResponse[];
  /** Marks an object as just used (LRU). */
  touch(stored: StoredResponse): void;
  /** Stores (replacing the same key), evicting as needed; false when it cannot fit at all. */
  put(stored: StoredResponse): boolean;
  delete(stored: StoredResponse): void;
  /** Removes every object of a resource, or only those with this sorted query. */
  deleteResource(resource: string, sortedQuery?: string): number;
  deleteResourcePrefix(prefix: string): number;
  deleteTag(tag: string): number;
  usage(): { objects: number; bytes: number; maxBytes: number; evictions: number };
}
