import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";

import type { CacheRule } from "@concierge/config/cache-rule";

/** What comes back from a target, after upstream/ removed hop-by-hop headers. */
export interface OriginResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** Streamed with backpressure; destroy it to abandon the exchange. */
  body: Readable;
}

/** Where a relayed body writes: the client's side of the answer (response/pipe-body.ts). */
export interface BodySink {
  /** How the sink resumes the body after a full write, and stops it when the client left. */
  source(resume: () => void, stop: (error: Error) => void): void;
  /** false: pause until the sink resumes the body. */
  write(chunk: Buffer): boolean;
  /** `trailers`: the origin's trailer fields to pass on, when it sent any. */
  end(trailers?: Record<string, string>): void;
  upstreamFailed(cause: unknown): void;
}

/** An origin body that can write itself into the client's answer, chunk by chunk as it arrives. */
export interface RelayedBody {
  relayTo(sink: BodySink): void;
}

/**
 * Sends one request to the route's pool (balancer, retries and timeouts included). The cache
 * calls it for misses, revalidations (with its own conditional headers) and background refreshes;
 * `headers` is the whole set to send upstream, already cleaned by guard/.
 */
export type FetchOrigin = (request: {
  method: string;
  headers: IncomingHttpHeaders;
}) => Promise<OriginResponse>;

/** RFC 9211 outcome, also the `cache_status` metrics label. */
export type CacheOutcome = "hit" | "miss" | "stale" | "revalidated" | "bypass" | "none";

/** What the response stage writes downstream. */
export interface ProxyResponse {
  statusCode: number;
  headers: OutgoingHttpHeaders;
  body: Readable | Buffer | null;
  cacheOutcome: CacheOutcome;
  /** Bytes the origin did not have to send, for the dashboard's "bytes saved". */
  bytesSaved?: number;
  /** Answered from another request's origin fetch, waited on instead of making its own. */
  coalesced?: boolean;
}

/** A request as the cache sees it, on a route whose cache rule is enabled. */
export interface CacheableRequest {
  method: string;
  scheme: "http" | "https";
  /** Lower-cased, default port removed. */
  host: string;
  /** Normalised (dot segments resolved, percent-encoding canonical), before strip-prefix. */
  path: string;
  /** Raw query without "?"; "" when none. */
  query: string;
  /** The headers that will be sent upstream (lower-cased names). */
  headers: IncomingHttpHeaders;
  rule: CacheRule;
  routeId: string;
}
