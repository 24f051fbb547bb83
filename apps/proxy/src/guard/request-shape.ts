import type { IncomingMessage } from "node:http";

import { ProxyError } from "../errors.ts";
import type { RequestContext } from "../request-context.ts";
import { normalisePath } from "./normalise-path.ts";

/**
 * Refuses the request shapes that let two parsers disagree about where a message ends
 * (RFC 9112 §6.1, §6.3), and reads the target: origin-form, or absolute-form whose authority
 * replaces Host (RFC 9112 §3.2.2). Node's parser already rejects most of these; checking
 * again here keeps the rule in one readable place.
 */
export function checkRequestShape(req: IncomingMessage, ctx: RequestContext, maxUrlBytes: number): void {
  const url = req.url ?? "";
  if (url.length > maxUrlBytes) throw new ProxyError("URI_TOO_LONG", "client");
  if (ctx.method === "CONNECT") throw new ProxyError("METHOD_NOT_ALLOWED", "client");

  const transferEncoding = req.headers["transfer-encoding"];
  const contentLength = req.headers["content-length"];
  if (transferEncoding !== undefined) {
    if (contentLength !== undefined) throw refuseFraming(ctx, "both Content-Length and Transfer-Encoding");
    if (transferEncoding.toLowerCase() !== "chunked") throw refuseFraming(ctx, "transfer coding other than chunked");
  } else if (contentLength !== undefined && !/^\d+$/.test(contentLength)) {
    throw refuseFraming(ctx, "invalid or repeated Content-Length");
  }

  readTarget(url, req.headers.host, ctx);
}

function refuseFraming(ctx: RequestContext, message: string): ProxyError {
  ctx.closeConnection = true;
  return new ProxyError("BAD_REQUEST", "client", { message });
}

const ABSOLUTE_FORM = /^https?:\/\/([^/?#]*)/i;

function readTarget(url: string, hostHeader: string | undefined, ctx: RequestContext): void {
  let pathAndQuery = url;
  let authority = hostHeader ?? "";
  // Origin-form (`/path`), the usual target, cannot be absolute-form.
  const absolute = url.charCodeAt(0) === 0x2f ? null : ABSOLUTE_FORM.exec(url);
  if (absolute) {
    authority = absolute[1] ?? "";
    if (authority === "" || authority.includes("@")) {
      throw new ProxyError("BAD_REQUEST", "client", { message: "unusable authority in request target" });
    }
    pathAndQuery = url.slice(absolute[0].length) || "/";
    if (pathAndQuery.startsWith("?")) pathAndQuery = `/${pathAndQuery}`;
  }
  if (authority === "") throw new ProxyError("BAD_REQUEST", "client", { message: "missing Host" });

  const queryStart = pathAndQuery.indexOf("?");
  const rawPath = queryStart === -1 ? pathAndQuery : pathAndQuery.slice(0, queryStart);
  ctx.query = queryStart === -1 ? "" : pathAndQuery.slice(queryStart + 1);
  ctx.path = normalisePath(rawPath);
  ctx.hostHeader = authority;
  ctx.host = hostWithoutPort(authority);
}

/** `Shop.Example.com:8080` → `shop.example.com`; `[::1]:80` → `[::1]`. */
export function hostWithoutPort(authority: string): string {
  const end = authority.startsWith("[") ? authority.indexOf("]") + 1 : authority.indexOf(":");
  return (end > 0 ? authority.slice(0, end) : authority).toLowerCase();
}

/** RFC 9110 §7.6.3: a Via entry is `protocol received-by [comment]`. */
export function carriesPseudonym(via: string | undefined, pseudonym: string): boolean {
  if (via === undefined) return false;
  const wanted = pseudonym.toLowerCase();
  for (const entry of via.split(",")) {
    const receivedBy = entry.trim().split(/\s+/)[1];
    if (receivedBy?.toLowerCase() === wanted) return true;
  }
  return false;
}

export function checkNotLooping(via: string | undefined, pseudonym: string): void {
  if (carriesPseudonym(via, pseudonym)) throw new ProxyError("LOOP_DETECTED", "client");
}

export function appendVia(via: string | string[] | number | undefined, entry: string): string {
  if (via === undefined) return entry;
  return `${Array.isArray(via) ? via.join(", ") : String(via)}, ${entry}`;
}
