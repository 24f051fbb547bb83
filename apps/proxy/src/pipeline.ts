import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Duplex, Readable } from "node:stream";

import type { Logger } from "pino";

import type { HttpCache } from "./cache/http-cache.ts";
import type { CompiledConfig, CompiledRoute } from "./config/compile-config.ts";
import { ProxyError, toProxyError } from "./errors.ts";
import { withoutDashboardSession } from "./guard/dashboard-cookie.ts";
import { limitRequestBody } from "./guard/body-limit.ts";
import { clientIpOf, setForwardingHeaders, unmapIPv4, type TrustedProxies } from "./guard/forwarded.ts";
import { withoutHopByHop } from "./guard/hop-by-hop.ts";
import { appendVia, checkNotLooping, checkRequestShape } from "./guard/request-shape.ts";
import { writeAccessLog } from "./metrics/access-log.ts";
import type { MetricsRegistry } from "./metrics/registry.ts";
import type { FetchOrigin, OriginResponse, ProxyResponse } from "./origin.ts";
import { compressOrigin, negotiateCoding } from "./policy/compression.ts";
import { applyEdgePolicies } from "./policy/edge-policies.ts";
import { withOriginErrorPage } from "./policy/origin-error-page.ts";
import { createRequestContext, type RequestContext } from "./request-context.ts";
import { refuseOnSocket } from "./response/refuse-on-socket.ts";
import { sendError } from "./response/send-error.ts";
import { sendResponse } from "./response/send-response.ts";
import { applyHeaderRules } from "./router/apply-header-rules.ts";
import { matchRoute } from "./router/match-route.ts";
import { upstreamPath } from "./router/upstream-path.ts";
import { ClientLink } from "./upstream/exchange.ts";
import { forwardRequest } from "./upstream/forward.ts";
import { forwardUpgrade } from "./upstream/websocket.ts";

/**
 * One proxied request, start to finish: guard → router → cache → upstream → response. Every
 * stage reads the config the request started with (`ctx.config`) and writes only to `ctx`;
 * nothing here waits on the database. Failures from any stage land in the one catch, and the
 * metrics and access line are written for every request, refused ones included.
 */
export interface PipelineDeps {
  readonly log: Logger;
  readonly pseudonym: string;
  /** Our Via entry: `1.1 <pseudonym>`. */
  readonly via: string;
  readonly trustedProxies: TrustedProxies;
  readonly cache: HttpCache;
  readonly metrics: MetricsRegistry;
  current(): CompiledConfig | undefined;
}

/** Limits the listener owns but the guard enforces. */
export interface RequestOptions {
  readonly maxUrlBytes: number;
}

/**
 * Returns undefined when the answer went out synchronously (a cache hit, the proxy's own
 * answer): such a request costs no promise. Otherwise the promise settles once it is finished.
 */
export function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  deps: PipelineDeps,
  options: RequestOptions,
): Promise<void> | undefined {
  const ctx = createRequestContext(req, deps.current());
  deps.metrics.requestStarted();
  req.on("error", ignoreClientStreamError);
  let pending: Promise<void> | undefined;
  try {
    pending = answer(req, res, ctx, deps, options);
  } catch (error) {
    refuse(req, res, ctx, deps, error);
  }
  if (pending) return finishOnceAnswered(pending, req, res, ctx, deps);
  finish(ctx, deps);
  return undefined;
}

async function finishOnceAnswered(
  pending: Promise<void>,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  deps: PipelineDeps,
): Promise<void> {
  try {
    await pending;
  } catch (error) {
    refuse(req, res, ctx, deps, error);
  } finally {
    finish(ctx, deps);
  }
}

function answer(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  deps: PipelineDeps,
  options: RequestOptions,
): Promise<void> | undefined {
  const route = guardAndRoute(req, ctx, deps, options);
  const local = applyEdgePolicies(req, ctx, route);
  if (local instanceof Promise) return local.then((decided) => sendLocalOrForward(decided, req, res, ctx, route, deps));
  return sendLocalOrForward(local, req, res, ctx, route, deps);
}

/** The proxy's own answer when the edge gave one (a refusal, a redirect, maintenance); else to the cache or the origin. */
function sendLocalOrForward(
  local: ProxyResponse | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  route: CompiledRoute,
  deps: PipelineDeps,
): Promise<void> | undefined {
  if (local === undefined) return forward(req, res, ctx, route, deps);
  // The body this request may carry is not read: the connection cannot be reused after it.
  if (hasUnreadBody(req)) ctx.closeConnection = true;
  return sendResponse(res, local, ctx, deps.via);
}

/** To the cache or the origin, and the answer downstream. */
function forward(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
  route: CompiledRoute,
  deps: PipelineDeps,
): Promise<void> | undefined {
  const headers = upstreamHeaders(req, ctx, route, deps);
  const body = limitRequestBody(req, route.maxBodyBytes, ctx);
  // RFC 9110 §10.1.1: the client waits for this before sending a body we have now agreed to take.
  if (req.headers.expect?.toLowerCase() === "100-continue") res.writeContinue();
  const response = serve(res, ctx, route, headers, body, deps);
  if (response instanceof Promise) {
    return response.then((settled) => sendResponse(res, withOriginErrorPage(route, settled), ctx, deps.via));
  }
  return sendResponse(res, withOriginErrorPage(route, response), ctx, deps.via);
}

function refuse(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, deps: PipelineDeps, error: unknown): void {
  ctx.error ??= toProxyError(error);
  // An unread body would have to be drained (or, behind Expect, never comes): close instead.
  if (hasUnreadBody(req)) ctx.closeConnection = true;
  sendError(res, ctx.error, ctx, deps.via);
}

/** Every request, refused ones included, ends here once: metrics and the access line. */
function finish(ctx: RequestContext, deps: PipelineDeps): void {
  ctx.rateLimit?.leave();
  deps.metrics.requestFinished();
  const durationMs = performance.now() - ctx.startedAt;
  deps.metrics.record(ctx.route?.metrics ?? deps.metrics.unrouted, {
    // A request whose last target failed has no answering target: the failed one is blamed.
    targetId: ctx.targetId || (ctx.error?.targetId ?? ""),
    status: ctx.status,
    cacheOutcome: ctx.cacheOutcome,
    durationMs,
    upstreamMs: ctx.upstreamMs,
    bytesOut: ctx.bytesOut,
    bytesIn: ctx.bytesIn,
    bytesSaved: ctx.bytesSaved,
    coalesced: ctx.coalesced,
    error: ctx.error,
    method: ctx.method,
    host: ctx.host,
    path: ctx.path,
    requestId: ctx.reqId,
    attempts: ctx.attempts || (ctx.error?.attempts ?? 0),
  });
  writeAccessLog(deps.log, ctx, durationMs);
}

/**
 * A client that breaks its own body (a reset, a bad chunk) surfaces through whatever reads that
 * body, and the listener answers parse errors itself; the request stream's error event alone
 * must not take the worker down.
 */
function ignoreClientStreamError(): void {}

/** WebSocket upgrades take the same guard and router, then the socket goes to upstream/. */
export function handleUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  deps: PipelineDeps,
  options: RequestOptions,
): void {
  const ctx = createRequestContext(req, deps.current());
  try {
    if (req.headers.upgrade?.toLowerCase() !== "websocket") {
      throw new ProxyError("BAD_REQUEST", "client", { message: "only WebSocket upgrades are proxied" });
    }
    const route = guardAndRoute(req, ctx, deps, options);
    forwardUpgrade(route.pool, req, socket, head, upstreamHeaders(req, ctx, route, deps));
    ctx.status = 101;
  } catch (error) {
    ctx.error = toProxyError(error);
    ctx.status = ctx.error.status;
    refuseOnSocket(socket, ctx.error.status, deps.via);
  } finally {
    writeAccessLog(deps.log, ctx, performance.now() - ctx.startedAt);
  }
}

function guardAndRoute(
  req: IncomingMessage,
  ctx: RequestContext,
  deps: PipelineDeps,
  options: RequestOptions,
): CompiledRoute {
  checkRequestShape(req, ctx, options.maxUrlBytes);
  const config = ctx.config;
  if (!config) throw new ProxyError("NO_CONFIG", "proxy");
  checkNotLooping(req.headers.via, deps.pseudonym);
  ctx.clientIp = clientIpOf(ctx.peerIp, req.headers, deps.trustedProxies);
  if (ctx.scheme === "http" && req.headers["x-forwarded-proto"] === "https" && deps.trustedProxies(unmapIPv4(ctx.peerIp))) {
    ctx.scheme = "https";
  }
  ctx.route = matchRoute(config.router, ctx.host, ctx.path, ctx.method);
  return ctx.route;
}

/** The header set sent upstream: cleaned, forwarding headers and Via set, route rules last. */
function upstreamHeaders(
  req: IncomingMessage,
  ctx: RequestContext,
  route: CompiledRoute,
  deps: PipelineDeps,
): IncomingHttpHeaders {
  const headers = withoutHopByHop(req.headers);
  if (!route.servesDashboard) withoutDashboardSession(headers);
  headers.host = ctx.hostHeader;
  setForwardingHeaders(headers, ctx.peerIp, ctx.hostHeader, ctx.scheme, deps.trustedProxies);
  headers.via = appendVia(headers.via, deps.via);
  headers["x-request-id"] = ctx.reqId;
  if (ctx.consumedAuthorization) delete headers.authorization;
  for (const [name, value] of ctx.authHeaders) headers[name] = value;
  const { rewriteHost, compression } = route.policies;
  if (rewriteHost !== null) headers.host = rewriteHost;
  if (compression) {
    // Never compress a partial answer: a Range request asks for the identity bytes.
    ctx.coding = headers.range === undefined ? negotiateCoding(headers["accept-encoding"]) : "identity";
    headers["accept-encoding"] = ctx.coding;
  }
  applyHeaderRules(headers, route.requestHeaders);
  return headers;
}

function serve(
  res: ServerResponse,
  ctx: RequestContext,
  route: CompiledRoute,
  headers: IncomingHttpHeaders,
  body: Readable | null,
  deps: PipelineDeps,
): ProxyResponse | Promise<ProxyResponse> {
  // A shared (coalesced) origin fetch must not die with the first client that leaves.
  const client = route.cache.enabled ? undefined : watchClient(res);
  let unsentBody = body;
  const fetchOrigin: FetchOrigin = async (request) => {
    const requestBody = unsentBody;
    unsentBody = null;
    const result = await forwardRequest(route.pool, {
      method: request.method,
      path: upstreamPath(route, ctx.path, ctx.query),
      headers: request.headers,
      body: requestBody,
      clientIp: ctx.clientIp,
      client,
    });
    ctx.targetId = result.targetId;
    ctx.attempts += result.attempts;
    ctx.upstreamMs = result.upstreamMs;
    const origin = result.extraHeaders ? withExtraHeaders(result, result.extraHeaders) : result;
    const { compression } = route.policies;
    return compression ? compressOrigin(origin, ctx.coding, compression) : origin;
  };

  if (!route.cache.enabled) {
    return fetchOrigin({ method: ctx.method, headers }).then(asUncached);
  }
  return deps.cache.serve(
    {
      method: ctx.method,
      scheme: ctx.scheme,
      host: ctx.host,
      path: ctx.path,
      query: ctx.query,
      headers,
      rule: route.cache,
      routeId: route.id,
    },
    fetchOrigin,
  );
}

function asUncached(origin: OriginResponse): ProxyResponse {
  return { statusCode: origin.statusCode, headers: origin.headers, body: origin.body, cacheOutcome: "none" };
}

function watchClient(res: ServerResponse): ClientLink {
  const client = new ClientLink();
  res.once("close", () => {
    if (!res.writableFinished) client.leave(new ProxyError("CLIENT_ABORTED", "client"));
  });
  return client;
}

/** Headers the balancer adds (a sticky cookie): Set-Cookie joins the origin's, others replace. */
function withExtraHeaders(origin: OriginResponse, extra: Record<string, string>): OriginResponse {
  const headers = { ...origin.headers };
  for (const [name, value] of Object.entries(extra)) {
    const key = name.toLowerCase();
    if (key === "set-cookie") headers["set-cookie"] = [...(headers["set-cookie"] ?? []), value];
    else headers[key] = value;
  }
  return { ...origin, headers };
}

/** A request that declared no body has nothing left to drain: its connection stays reusable. */
function hasUnreadBody(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}
