import { z } from "zod";

const name = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { message: "must be a valid name" });

/**
 * A route's cache rule. The key always holds scheme, lower-cased host and normalised path;
 * a rule may add query, header and cookie parts, never remove those three.
 */
export const CacheRuleSchema = z.strictObject({
  /** Off by default: a route caches only when asked to. */
  enabled: z.boolean().default(false),
  /**
   * Freshness used when the origin gives none (no max-age, s-maxage or Expires).
   * Absent: RFC 9111 heuristics only. Never overrides `no-store`, `private` or `no-cache`.
   */
  defaultTtlSeconds: z.int().min(0).max(31_536_000).optional(),
  /** Replaces the origin's freshness lifetime for storable answers. Absent: the origin decides. */
  ttlOverrideSeconds: z.int().min(0).max(31_536_000).optional(),
  /** Which query parameters are part of the key: all (sorted), none, or only the listed ones. */
  keyQuery: z
    .union([z.literal("all"), z.literal("none"), z.strictObject({ include: z.array(name).max(50) })])
    .default("all"),
  /** Request headers added to the key (lower-cased). */
  keyHeaders: z.array(name.transform((h) => h.toLowerCase())).max(20).default([]),
  /** Request cookies added to the key. */
  keyCookies: z.array(name).max(20).default([]),
  /** Requests carrying any of these cookies skip the cache (e.g. a session cookie). */
  bypassCookies: z.array(name).max(20).default([]),
  /** Store answers that carry Set-Cookie, stripping the cookie from the stored copy. Default false. */
  storeSetCookie: z.boolean().default(false),
  /** Served stale while a background refresh runs, when the origin does not say. */
  staleWhileRevalidateSeconds: z.int().min(0).max(86_400).default(0),
  /** Served stale when the origin fails, when the origin does not say. */
  staleIfErrorSeconds: z.int().min(0).max(604_800).default(0),
  /** Largest answer body stored, in bytes. */
  maxObjectBytes: z.int().min(1).max(1_073_741_824).default(8_388_608),
});
export type CacheRule = z.output<typeof CacheRuleSchema>;
export type CacheRuleInput = z.input<typeof CacheRuleSchema>;
export const DEFAULT_CACHE_RULE: CacheRule = CacheRuleSchema.parse({});
