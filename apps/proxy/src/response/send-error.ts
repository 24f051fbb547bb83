import type { ServerResponse } from "node:http";

import type { ProxyError } from "../errors.ts";
import type { RequestContext } from "../request-context.ts";
import { speaksHttp1 } from "./send-response.ts";

/**
 * The proxy's own answers: the right status and a short body, JSON when the client asks for
 * it, the route's error page when it has one for the status, plain text otherwise. Details stay in the log. After headers went out there is nothing
 * honest left to send, so the connection is cut instead.
 */
export function sendError(res: ServerResponse, error: ProxyError, ctx: RequestContext, via: string): void {
  ctx.status = error.status;
  if (error.code === "CLIENT_ABORTED" || res.destroyed) return;
  if (res.headersSent) {
    res.destroy(error);
    return;
  }
  const wantsJson = res.req.headers.accept?.includes("application/json") ?? false;
  const page = wantsJson ? undefined : ctx.route?.policies.errorPages?.pageFor(error.status);
  const body =
    page ??
    (wantsJson
      ? JSON.stringify({ error: { code: error.code, message: error.publicMessage, requestId: ctx.reqId } })
      : `${error.status} ${error.publicMessage}\n`);
  res.statusCode = error.status;
  res.setHeader("content-type", page ? "text/html; charset=utf-8" : wantsJson ? "application/json" : "text/plain; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(body));
  res.setHeader("cache-control", "no-store");
  res.setHeader("via", via);
  res.setHeader("x-request-id", ctx.reqId);
  const hsts = ctx.route?.policies.hsts;
  if (hsts && ctx.scheme === "https") res.setHeader("strict-transport-security", hsts);
  if (ctx.closeConnection && speaksHttp1(res)) res.setHeader("connection", "close");
  if (error.code === "METHOD_NOT_ALLOWED") res.setHeader("allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
  ctx.bytesOut = ctx.method === "HEAD" ? 0 : Buffer.byteLength(body);
  res.end(ctx.method === "HEAD" ? undefined : body);
}
