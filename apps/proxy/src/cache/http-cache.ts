/**
 * ④ The shared HTTP cache: RFC 9111 semantics, RFC 9211 Cache-Status, RFC 5861 stale-* windows.
 * Invariants:
 * - it awaits the origin only; store lookups are synchronous and nothing here touches the database;
 * - never stored: private, no-store, Vary: *, answers to Authorization requests unless they say
 *   public, s-maxage or must-revalidate; Set-Cookie answers only under `rule.storeSetCookie`, and
 *   then without the cookie (the client that caused the fetch still receives it);
 * - a stored answer reaches an Authorization request only when it says public, s-maxage or must-revalidate;
 * - CDN-Cache-Control or Surrogate-Control addressed to this cache replaces Cache-Control and
 *   Expires for freshness, but never makes a private or no-store answer storable;
 * - partial answers are never stored; ranges are cut from the whole answer, fetched once (range-answer.ts);
 * - the key always holds scheme, host and path; Vary selects among variants, Vary: * is never reused;
 * - every answer carries Cache-Status (the forms are listed in cache-status.ts); every answer from
 *   storage carries Age;
 * - a body is stored only when it completed within `rule.maxObjectBytes` and the byte budget, and is
 *   never buffered past those;
 * - concurrent misses of a key make one origin fetch; the others reuse only what was stored.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { Readable } from "node:stream";

import type { CacheableRequest, CacheOutcome, FetchOrigin, OriginResponse, ProxyResponse } from "../origin.ts";
import { teeBody } from "./body-collector.ts";
import type { CacheKey } from "./cache-key.ts";
import { toCacheKey, toSecondaryKey } from "./cache-key.ts";
import type { CacheStatusParts, ForwardReason } from "./cache-status.ts";
import { appendCacheStatus, toCacheStatus } from "./cache-status.ts";
import type { StoredResponse } from "./cache-store.ts";
import { createCoalescer } from "./coalescer.ts";
import { copyHeaders } from "./copy-headers.ts";
import {
  CLIENT_CONDITIONAL_HEADERS,
  isNotModified,
  isSameRepresentation,
  mergeNotModified,
  toNotModifiedHeaders,
} from "./conditional-request.ts";
import { parseCacheControl, toAgeHeaderSeconds, toCurrentAgeSeconds, toDeltaSeconds } from "./freshness.ts";
import { toInvalidatedResources } from "./invalidation.ts";
import { createMemoryStore } from "./memory-store.ts";
import type { PurgeSelector } from "./purge.ts";
import { purgeStore } from "./purge.ts";
import { answerRange, toWholeRequest } from "./range-answer.ts";
import { hasAnyCookie } from "./request-cookies.ts";
import { toResponseDirectives, withSurrogateCapability } from "./response-directives.ts";
import { toNotStoredReason } from "./storage-decision.ts";
import { isWorthStoring, toStoredHeaders, toStoredResponse, withBody } from "./stored-response.ts";
import { abandonBody } from "../abandon-body.ts";

export interface HttpCacheStats {
  objects: number;
  bytes: number;
  maxBytes: number;
  /** Answers from storage without asking the origin (coalesced ones included). */
  hits: number;
  /** GET/HEAD answers that asked the origin: misses, revalidations, request-forced fetches. */
  misses: number;
  /** Stale answers from storage (stale-while-revalidate, stale-if-error, a client's max-stale). */
  stale: number;
  /** Requests that waited for another's origin fetch and were answered from its result. */
  coalesced: number;
  /** Body bytes answered from storage. */
  bytesSaved: number;
  evictions: number;
}

export interface HttpCache {
  /**
   * GET/HEAD on a cache-enabled route: lookup → hit / revalidate / coalesced miss → ProxyResponse
   * (with Age and Cache-Status); an answer from storage that needs no waiting comes back as it is,
   * not as a promise. Other methods: forwards via fetchOrigin and invalidates per RFC 9111 §4.4.
   */
  serve(request: CacheableRequest, fetchOrigin: FetchOrigin): ProxyResponse | Promise<ProxyResponse>;
  /** Number of objects removed. */
  purge(selector: PurgeSelector): number;
  stats(): HttpCacheStats;
  /** The request's key and what is stored under it now; moves nothing in the eviction order. */
  inspect(request: CacheableRequest): CacheInspection;
}

export interface CacheInspection {
  key: string;
  stored: {
    statusCode: number;
    ageSeconds: number;
    lifetimeSeconds: number;
    freshness: "fresh" | "stale";
    sizeBytes: number;
  } | null;
}

export interface HttpCacheOptions {
  maxBytes: number;
  /** The Cache-Status member name; default "concierge". */
  cacheName?: string;
  /** Clock in ms; default Date.now. */
  now?: () => number;
  /** Longest a request waits for a concurrent fetch of the same key before fetching itself. */
  coalesceWaitMs?: number;
}

type Usage =
  | { kind: "fresh" }
  | { kind: "stale-allowed" }
  | { kind: "stale-while-revalidate" }
  | { kind: "forward"; reason: "stale" | "request" };

/** Usages are constants: evaluating a hit allocates nothing. */
const FRESH: Usage = { kind: "fresh" };
const STALE_ALLOWED: Usage = { kind: "stale-allowed" };
const STALE_WHILE_REVALIDATE: Usage = { kind: "stale-while-revalidate" };
const FORWARD_STALE: Usage = { kind: "forward", reason: "stale" };
const FORWARD_FOR_REQUEST: Usage = { kind: "forward", reason: "request" };

type Lookup = { stored: StoredResponse } | { stored: undefined; reason: ForwardReason };

interface Exchange {
  request: CacheableRequest;
  key: CacheKey;
  fetchOrigin: FetchOrigin;
}

const DEFAULT_COALESCE_WAIT_MS = 10_000;

/** The parts of every fresh hit; its Cache-Status member is built once per cache. */
const FRESH_HIT: CacheStatusParts = { hit: true };

function withoutClientConditionals(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const forwarded = copyHeaders(headers);
  for (const name of CLIENT_CONDITIONAL_HEADERS) delete forwarded[name];
  return forwarded;
}

/** RFC 9111 §4.3.1: the stored validators, so the origin can answer 304. */
function toRevalidationHeaders(headers: IncomingHttpHeaders, stored: StoredResponse): IncomingHttpHeaders {
  const revalidation = withoutClientConditionals(headers);
  const { etag } = stored.headers;
  const lastModified = stored.headers["last-modified"];
  if (etag !== undefined) revalidation["if-none-match"] = String(etag);
  if (lastModified !== undefined) revalidation["if-modified-since"] = String(lastModified);
  return revalidation;
}

/** RFC 9111 §5.4: Pragma: no-cache counts only without a Cache-Control field. */
function requestsNoCache(headers: IncomingHttpHeaders, directives: ReadonlyMap<string, unknown>): boolean {
  if (directives.has("no-cache")) return true;
  const { pragma } = headers;
  return pragma !== undefined && headers["cache-control"] === undefined && /no-cache/i.test(String(pragma));
}

export function createHttpCache(options: HttpCacheOptions): HttpCache {
  const cacheName = options.cacheName ?? "concierge";
  const now = options.now ?? Date.now;
  const store = createMemoryStore({ maxBytes: options.maxBytes });
  const coalescer = createCoalescer({ maxWaitMs: options.coalesceWaitMs ?? DEFAULT_COALESCE_WAIT_MS });
  const counters = { hits: 0, misses: 0, stale: 0, coalesced: 0, bytesSaved: 0 };

  function lookup(request: CacheableRequest, key: CacheKey): Lookup {
    const variants = store.variants(key.primary);
    if (variants.length === 0) return { stored: undefined, reason: "uri-miss" };
    let refusedForAuthorization = false;
    for (const stored of variants) {
      if (toSecondaryKey(request.headers, stored.varyNames) !== stored.secondaryKey) continue;
      if (request.headers.authorization !== undefined && !stored.allowsAuthenticated) {
        refusedForAuthorization = true;
        continue;
      }
      return { stored };
    }
    return { stored: undefined, reason: refusedForAuthorization ? "request" : "vary-miss" };
  }

  /** RFC 9111 §4.2 and §5.2.1 (request directives), RFC 5861 §3. */
  function evaluate(stored: StoredResponse, request: CacheableRequest): Usage {
    const directives = parseCacheControl(request.headers["cache-control"]);
    if (requestsNoCache(request.headers, directives)) return FORWARD_FOR_REQUEST;
    const ageSeconds = toCurrentAgeSeconds(stored, now());
    const lifetimeSeconds = stored.freshnessLifetimeSeconds;
    const maxAgeSeconds = toDeltaSeconds(directives.get("max-age"));
    if (maxAgeSeconds !== undefined && ageSeconds > maxAgeSeconds) return FORWARD_FOR_REQUEST;
    const minFreshSeconds = toDeltaSeconds(directives.get("min-fresh"));
    if (minFreshSeconds !== undefined && lifetimeSeconds - ageSeconds < minFreshSeconds) {
      return FORWARD_FOR_REQUEST;
    }
    if (lifetimeSeconds > ageSeconds) return FRESH;
    if (!stored.allowsStale) return FORWARD_STALE;
    const stalenessSeconds = ageSeconds - lifetimeSeconds;
    const maxStale = directives.get("max-stale");
    if (maxStale === true || (toDeltaSeconds(maxStale) ?? -1) >= stalenessSeconds) return STALE_ALLOWED;
    if (stalenessSeconds < stored.staleWhileRevalidateSeconds) return STALE_WHILE_REVALIDATE;
    return FORWARD_STALE;
  }

  function canServeStaleOnError(stored: StoredResponse): boolean {
    const stalenessSeconds = toCurrentAgeSeconds(stored, now()) - stored.freshnessLifetimeSeconds;
    return stored.allowsStale && stalenessSeconds < stored.staleIfErrorSeconds;
  }

  const freshHitMember = toCacheStatus(cacheName, FRESH_HIT);

  function status(existing: OutgoingHttpHeaders[string], parts: CacheStatusParts): string {
    return appendCacheStatus(existing, parts === FRESH_HIT ? freshHitMember : toCacheStatus(cacheName, parts));
  }

  function fromStorage(
    stored: StoredResponse,
    request: CacheableRequest,
    parts: CacheStatusParts,
    cacheOutcome: CacheOutcome,
  ): ProxyResponse {
    store.touch(stored);
    const age = String(Math.floor(toCurrentAgeSeconds(stored, now())));
    const cacheStatus = status(stored.headers["cache-status"], parts);
    const { body } = stored;
    const bytesSaved = request.method === "HEAD" ? 0 : body.length;
    // RFC 9110 §13.1: conditionals apply to the selected representation, i.e. a successful answer.
    if (stored.statusCode === 200 && isNotModified(request.headers, stored.headers)) {
      const headers = toNotModifiedHeaders(stored.headers);
      headers["age"] = age;
      headers["cache-status"] = cacheStatus;
      return { statusCode: 304, headers, body: null, cacheOutcome, bytesSaved };
    }
    const headers = copyHeaders(stored.headers);
    headers["age"] = age;
    headers["cache-status"] = cacheStatus;
    const sentBody = request.method === "HEAD" ? null : body;
    return { statusCode: stored.statusCode, headers, body: sentBody, cacheOutcome, bytesSaved };
  }

  function passThrough(response: OriginResponse, parts: CacheStatusParts, cacheOutcome: CacheOutcome): ProxyResponse {
    const headers: OutgoingHttpHeaders = copyHeaders(response.headers);
    headers["cache-status"] = status(response.headers["cache-status"], parts);
    return { statusCode: response.statusCode, headers, body: response.body, cacheOutcome };
  }

  /** Streams a fresh origin answer to the client and stores it once complete, if it may be. */
  function respondAndStore(
    exchange: Exchange,
    response: OriginResponse,
    parts: CacheStatusParts,
    release: () => void,
  ): ProxyResponse {
    const { request, key } = exchange;
    const limitBytes = Math.min(request.rule.maxObjectBytes, options.maxBytes);
    const directives = toResponseDirectives(response.headers, cacheName);
    const notStoredReason = toNotStoredReason(request, response, directives, limitBytes);
    const draft =
      notStoredReason === undefined
        ? toStoredResponse({
            key,
            requestHeaders: request.headers,
            statusCode: response.statusCode,
            headers: toStoredHeaders(response.headers),
            directives,
            rule: request.rule,
            responseTimeMs: now(),
            initialAgeSeconds: toAgeHeaderSeconds(response.headers.age),
          })
        : undefined;
    if (!draft || !isWorthStoring(draft)) {
      release();
      return passThrough(response, { ...parts, detail: notStoredReason ?? "no-freshness" }, "miss");
    }
    const body = teeBody(response.body, limitBytes, (collected) => {
      if (collected) store.put(withBody(draft, collected));
      release();
    });
    return { ...passThrough(response, { ...parts, stored: true }, "miss"), body };
  }

  /**
   * Asks the origin for a GET: conditionally when something is stored. `release` is called once
   * the outcome is in the store (or known not to go there), which is what coalesced waiters await.
   */
  async function fetchFromOrigin(
    exchange: Exchange,
    stored: StoredResponse | undefined,
    reason: ForwardReason,
    release: () => void,
  ): Promise<ProxyResponse> {
    const { request, key } = exchange;
    const headers = withSurrogateCapability(
      stored ? toRevalidationHeaders(request.headers, stored) : withoutClientConditionals(request.headers),
      cacheName,
    );
    let response: OriginResponse;
    try {
      response = await exchange.fetchOrigin({ method: "GET", headers });
    } catch (error) {
      if (!stored || !canServeStaleOnError(stored)) throw error;
      release();
      return fromStorage(stored, request, { hit: true, detail: "stale-if-error" }, "stale");
    }
    if (stored && response.statusCode >= 500 && canServeStaleOnError(stored)) {
      abandonBody(response.body);
      release();
      return fromStorage(stored, request, { hit: true, detail: "stale-if-error" }, "stale");
    }
    if (stored && response.statusCode === 304) {
      response.body.resume();
      if (!isSameRepresentation(stored.headers, response.headers)) {
        return fetchFromOrigin(exchange, undefined, reason, release);
      }
      const mergedHeaders = mergeNotModified(stored.headers, response.headers);
      const refreshed = withBody(
        toStoredResponse({
          key,
          requestHeaders: request.headers,
          statusCode: stored.statusCode,
          headers: mergedHeaders,
          directives: toResponseDirectives(mergedHeaders, cacheName),
          rule: request.rule,
          responseTimeMs: now(),
          initialAgeSeconds: toAgeHeaderSeconds(response.headers.age),
        }),
        stored.body,
      );
      store.delete(stored);
      store.put(refreshed);
      release();
      return fromStorage(refreshed, request, { fwd: reason, fwdStatus: 304 }, "revalidated");
    }
    const parts: CacheStatusParts = stored ? { fwd: reason, fwdStatus: response.statusCode } : { fwd: reason };
    return respondAndStore(exchange, response, parts, release);
  }

  /** RFC 5861 §3: one background revalidation per key; failures keep the stale object. */
  function refreshInBackground(exchange: Exchange, stored: StoredResponse): void {
    if (coalescer.isInFlight(exchange.key.primary)) return;
    const release = coalescer.lead(exchange.key.primary);
    fetchFromOrigin(exchange, stored, "stale", release).then(
      // Nobody reads this answer: draining it lets the store collect it.
      (response) => {
        if (response.body instanceof Readable) response.body.resume();
      },
      () => release(),
    );
  }

  async function forward(
    request: CacheableRequest,
    fetchOrigin: FetchOrigin,
    parts: CacheStatusParts,
    cacheOutcome: CacheOutcome,
  ): Promise<ProxyResponse> {
    const response = await fetchOrigin({ method: request.method, headers: request.headers });
    return passThrough(response, parts, cacheOutcome);
  }

  async function serveUnsafe(request: CacheableRequest, fetchOrigin: FetchOrigin): Promise<ProxyResponse> {
    const response = await fetchOrigin({ method: request.method, headers: request.headers });
    for (const resource of toInvalidatedResources(request, response)) store.deleteResource(resource);
    return passThrough(response, { fwd: "method" }, "bypass");
  }

  /** RFC 9110 §14.2: the whole answer goes through the cache as for any GET, then the ranges are cut from it. */
  async function serveRange(request: CacheableRequest, fetchOrigin: FetchOrigin): Promise<ProxyResponse> {
    const whole = await serveReadable(toWholeRequest(request), fetchOrigin);
    return answerRange(whole, request, Math.min(request.rule.maxObjectBytes, options.maxBytes), () =>
      forward(request, fetchOrigin, { fwd: "bypass", detail: "range" }, "bypass"),
    );
  }

  /**
   * A GET or HEAD. What storage can answer is answered at once, without a promise; only a
   * request that waits for a concurrent fetch or asks the origin itself goes asynchronous.
   */
  function serveReadable(request: CacheableRequest, fetchOrigin: FetchOrigin): ProxyResponse | Promise<ProxyResponse> {
    if (hasAnyCookie(request.headers.cookie, request.rule.bypassCookies)) {
      return forward(request, fetchOrigin, { fwd: "bypass", detail: "cookie" }, "bypass");
    }
    if (request.headers.range !== undefined && request.method === "GET") return serveRange(request, fetchOrigin);
    const exchange: Exchange = { request, key: toCacheKey(request), fetchOrigin };
    const found = lookup(request, exchange.key);
    const usage = found.stored ? evaluate(found.stored, request) : undefined;
    const mustFetch = usage === undefined || usage.kind === "forward";
    const waiting = mustFetch && coalesces(request) ? coalescer.wait(exchange.key.primary) : undefined;
    if (waiting) return serveAfterWaiting(exchange, waiting);
    return serveFound(exchange, found, usage);
  }

  function coalesces(request: CacheableRequest): boolean {
    return request.method === "GET" && request.headers.authorization === undefined;
  }

  /** After a concurrent fetch of the key: what it stored, if fresh, else the request's own way. */
  async function serveAfterWaiting(exchange: Exchange, waiting: Promise<void>): Promise<ProxyResponse> {
    const { request } = exchange;
    await waiting;
    const found = lookup(request, exchange.key);
    const usage = found.stored ? evaluate(found.stored, request) : undefined;
    if (found.stored && usage?.kind === "fresh") {
      counters.coalesced += 1;
      const answer = fromStorage(found.stored, request, { hit: true, detail: "coalesced" }, "hit");
      answer.coalesced = true;
      return answer;
    }
    return serveFound(exchange, found, usage);
  }

  function serveFound(exchange: Exchange, found: Lookup, usage: Usage | undefined): ProxyResponse | Promise<ProxyResponse> {
    const { request, fetchOrigin } = exchange;
    const { stored } = found;
    if (stored && usage) {
      switch (usage.kind) {
        case "fresh":
          return fromStorage(stored, request, FRESH_HIT, "hit");
        case "stale-allowed":
          return fromStorage(stored, request, { hit: true, detail: "max-stale" }, "stale");
        case "stale-while-revalidate":
          refreshInBackground(exchange, stored);
          return fromStorage(stored, request, { hit: true, detail: "stale-while-revalidate" }, "stale");
        case "forward":
          break;
      }
    }
    const reason: ForwardReason = found.stored ? (usage?.kind === "forward" ? usage.reason : "stale") : found.reason;

    if (request.method === "HEAD") return forward(request, fetchOrigin, { fwd: reason, detail: "head" }, "miss");
    const leads = coalesces(request) && !coalescer.isInFlight(exchange.key.primary);
    const release = leads ? coalescer.lead(exchange.key.primary) : () => {};
    return fetchFromOrigin(exchange, stored, reason, release).catch((error: unknown) => {
      release();
      throw error;
    });
  }

  function tally(response: ProxyResponse): ProxyResponse {
    switch (response.cacheOutcome) {
      case "hit":
        counters.hits += 1;
        break;
      case "stale":
        counters.stale += 1;
        break;
      case "miss":
      case "revalidated":
        counters.misses += 1;
        break;
      case "bypass":
      case "none":
        break;
    }
    counters.bytesSaved += response.bytesSaved ?? 0;
    return response;
  }

  return {
    serve(request, fetchOrigin) {
      if (request.method !== "GET" && request.method !== "HEAD") return serveUnsafe(request, fetchOrigin);
      const answer = serveReadable(request, fetchOrigin);
      return answer instanceof Promise ? answer.then(tally) : tally(answer);
    },

    purge(selector) {
      return purgeStore(store, selector);
    },

    stats() {
      return { ...store.usage(), ...counters };
    },

    inspect(request) {
      const key = toCacheKey(request);
      const { stored } = lookup(request, key);
      if (!stored) return { key: key.primary, stored: null };
      const ageSeconds = Math.floor(toCurrentAgeSeconds(stored, now()));
      const lifetimeSeconds = stored.freshnessLifetimeSeconds;
      return {
        key: key.primary,
        stored: {
          statusCode: stored.statusCode,
          ageSeconds,
          lifetimeSeconds,
          freshness: lifetimeSeconds > ageSeconds ? "fresh" : "stale",
          sizeBytes: stored.sizeBytes,
        },
      };
    },
  };
}
