import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";

import type { CompiledRoute } from "../config/compile-config.ts";
import type { ProxyResponse } from "../origin.ts";
import type { RequestContext } from "../request-context.ts";
import { localAnswer } from "./local-answer.ts";

/**
 * The route's edge, after the router and before the cache: who may pass (address lists, rate
 * limits, in-flight cap, Basic or forward authentication) and what the proxy answers itself
 * (HTTPS redirect, maintenance, redirect). Returns the answer to send, or undefined to go on;
 * headers the request must carry upstream are left in `ctx.authHeaders`.
 * Order: cheap refusals first, so a flood never reaches argon2 or the auth service. Only
 * authentication waits; a route without it decides synchronously, without a promise.
 */
export function applyEdgePolicies(
  req: IncomingMessage,
  ctx: RequestContext,
  route: CompiledRoute,
): ProxyResponse | undefined | Promise<ProxyResponse | undefined> {
  const policies = route.policies;
  if (policies.addressCheck && !policies.addressCheck(ctx.clientIp)) {
    return localAnswer(route, 403, {}, "403 forbidden\n");
  }
  if (policies.rateLimit) {
    const retryAfter = policies.rateLimit.take(ctx.clientIp);
    if (retryAfter > 0) return localAnswer(route, 429, { "retry-after": String(retryAfter) }, "429 too many requests\n");
    if (!policies.rateLimit.enter()) {
      return localAnswer(route, 503, { "retry-after": "1" }, "503 too many requests in flight\n");
    }
    ctx.rateLimit = policies.rateLimit;
  }
  if (policies.httpsRedirect && ctx.scheme === "http") {
    return redirectAnswer(route, 308, `https://${ctx.host}${originalUri(ctx)}`);
  }
  if (policies.maintenance) {
    const { page, retryAfter } = policies.maintenance;
    return {
      statusCode: 503,
      headers: { "content-type": "text/html; charset=utf-8", "content-length": page.length, "retry-after": retryAfter, "cache-control": "no-store" },
      body: page,
      cacheOutcome: "none",
    };
  }
  if (policies.basicAuth || policies.forwardAuth) return authenticate(req, ctx, route);
  return redirectOf(route, ctx);
}

async function authenticate(req: IncomingMessage, ctx: RequestContext, route: CompiledRoute): Promise<ProxyResponse | undefined> {
  const policies = route.policies;
  if (policies.basicAuth) {
    if (!(await policies.basicAuth.check(req.headers.authorization))) {
      return localAnswer(route, 401, { "www-authenticate": policies.basicAuth.challenge }, "401 unauthorized\n");
    }
    ctx.consumedAuthorization = true;
  }
  if (policies.forwardAuth) {
    const outcome = await policies.forwardAuth.ask({
      method: ctx.method,
      scheme: ctx.scheme,
      host: ctx.hostHeader,
      uri: originalUri(ctx),
      clientIp: ctx.clientIp,
      headers: req.headers,
    });
    if (!outcome.allowed) {
      return { statusCode: outcome.status, headers: { ...outcome.headers, "content-length": outcome.body.length, "cache-control": "no-store" }, body: outcome.body, cacheOutcome: "none" };
    }
    ctx.authHeaders = outcome.copy;
  }
  return redirectOf(route, ctx);
}

function redirectOf(route: CompiledRoute, ctx: RequestContext): ProxyResponse | undefined {
  const { redirect } = route.policies;
  return redirect ? redirectAnswer(route, redirect.status, redirect.location(ctx.hostHeader, ctx.path, ctx.query)) : undefined;
}

function originalUri(ctx: RequestContext): string {
  return ctx.query === "" ? ctx.path : `${ctx.path}?${ctx.query}`;
}

function redirectAnswer(route: CompiledRoute, status: number, location: string): ProxyResponse {
  const headers: OutgoingHttpHeaders = { location };
  return localAnswer(route, status, headers, `${status} redirect to ${location}\n`);
}
