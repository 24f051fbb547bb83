import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";

import type { CompiledConfig, CompiledRoute } from "./config/compile-config.ts";
import type { ProxyError } from "./errors.ts";
import type { CacheOutcome } from "./origin.ts";
import type { Coding } from "./policy/compression.ts";
import type { CompiledRateLimit } from "./policy/rate-limit.ts";
import { peerAddressOf } from "./listener/proxy-protocol.ts";

/**
 * Per-request state shared by the stages. Stages write here and nowhere else; the
 * pipeline's finally reads it for metrics and the access log.
 */
export interface RequestContext {
  readonly reqId: string;
  readonly startedAt: number;
  /** The config the request started with; undefined until the first revision is applied. */
  readonly config: CompiledConfig | undefined;
  readonly method: string;
  /** The address the connection came from. */
  readonly peerIp: string;
  /** The client as the balancer sees it: the peer, or the nearest untrusted X-Forwarded-For hop. */
  clientIp: string;
  /** https on a TLS socket, or when a trusted proxy says so in X-Forwarded-Proto. */
  scheme: "http" | "https";
  /** Lower-cased, port removed: the authority of an absolute-form target, else Host. */
  host: string;
  /** Host header value as it goes upstream (port kept). */
  hostHeader: string;
  /** Normalised path, before strip-prefix. */
  path: string;
  /** Raw query without "?"; "" when none. */
  query: string;
  route: CompiledRoute | undefined;
  targetId: string;
  attempts: number;
  upstreamMs: number;
  cacheOutcome: CacheOutcome;
  status: number;
  bytesOut: number;
  /** Request body bytes accepted from the client (a declared Content-Length, or counted while chunked). */
  bytesIn: number;
  /** The answer came from another request's origin fetch (coalesced miss). */
  coalesced: boolean;
  /** Body bytes the cache answered that the origin did not have to send. */
  bytesSaved: number;
  /** Set when the connection must not be reused after this answer (a refused request shape). */
  closeConnection: boolean;
  error: ProxyError | undefined;
  /** The route limit whose in-flight slot this request holds, released when it ends. */
  rateLimit: CompiledRateLimit | undefined;
  /** Basic auth used the Authorization header: it does not go upstream. */
  consumedAuthorization: boolean;
  /** The content coding chosen for a compressing route's answer. */
  coding: Coding;
  /** Headers from the forward-auth service's answer, set on the upstream request. */
  authHeaders: ReadonlyArray<readonly [string, string]>;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Reuses a sane incoming X-Request-Id so a trace survives several proxies; otherwise makes one. */
function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers["x-request-id"];
  return typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export function createRequestContext(req: IncomingMessage, config: CompiledConfig | undefined): RequestContext {
  const peerIp = peerAddressOf(req.socket);
  const encrypted = (req.socket as TLSSocket).encrypted === true;
  return {
    reqId: requestIdOf(req),
    startedAt: performance.now(),
    config,
    method: req.method ?? "GET",
    peerIp,
    clientIp: peerIp,
    scheme: encrypted ? "https" : "http",
    host: "",
    hostHeader: "",
    path: "",
    query: "",
    route: undefined,
    targetId: "",
    attempts: 0,
    upstreamMs: 0,
    cacheOutcome: "none",
    status: 0,
    bytesOut: 0,
    bytesIn: 0,
    coalesced: false,
    bytesSaved: 0,
    closeConnection: false,
    error: undefined,
    rateLimit: undefined,
    consumedAuthorization: false,
    coding: "identity",
    authHeaders: [],
  };
}
