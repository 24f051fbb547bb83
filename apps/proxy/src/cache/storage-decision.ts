import type { IncomingHttpHeaders } from "node:http";

import type { CacheRule } from "@concierge/config/cache-rule";

import { allowsAuthenticatedReuse, isStorable, parseCacheControl } from "./freshness.ts";
import type { ResponseDirectives } from "./response-directives.ts";
import { toVaryNames } from "./stored-response.ts";

/**
 * Why an origin answer to a GET is not stored, as the Cache-Status `detail` token, or undefined
 * when it may be. No rule and no targeted field overrides Cache-Control's private or no-store,
 * nor a request's Authorization (RFC 9111 §3).
 */
export function toNotStoredReason(
  request: { headers: IncomingHttpHeaders; rule: CacheRule },
  response: { statusCode: number; headers: IncomingHttpHeaders },
  directives: ResponseDirectives,
  limitBytes: number,
): string | undefined {
  const { cacheControl, effective } = directives;
  if (parseCacheControl(request.headers["cache-control"]).has("no-store")) return "request-no-store";
  if (cacheControl.has("no-store") || effective.has("no-store")) return "no-store";
  if (cacheControl.has("private") || effective.has("private")) return "private";
  if (request.headers.authorization !== undefined && !allowsAuthenticatedReuse(cacheControl)) return "authorization";
  if (!isStorable(response.statusCode, response.headers, directives)) return "not-storable";
  if (toVaryNames(response.headers.vary).includes("*")) return "vary-star";
  if (response.headers["set-cookie"] !== undefined && !request.rule.storeSetCookie) return "set-cookie";
  const contentLength = Number(response.headers["content-length"] ?? 0);
  if (contentLength > limitBytes) return "too-large";
  return undefined;
}
