import type { IncomingHttpHeaders } from "node:http";

import type { CacheRule } from "@concierge/config/cache-rule";

import { allowsAuthenticatedReuse, isStorable, parseCacheControl } from "./freshness.ts";
import { toVaryNames } from "./stored-response.ts";

/**
 * Why an origin answer to a GET is not stored, as the Cache-Status `detail` token, or undefined
 * when it may be. No rule overrides private, no-store or a request's Authorization (RFC 9111 §3).
 */
export function toNotStoredReason(
  request: { headers: IncomingHttpHeaders; rule: CacheRule },
  response: { statusCode: number; headers: IncomingHttpHeaders },
  limitBytes: number,
): string | undefined {
  const directives = parseCacheControl(response.headers["cache-control"]);
  if (parseCacheControl(request.headers["cache-control"]).has("no-store")) return "request-no-store";
  if (directives.has("no-store")) return "no-store";
  if (directives.has("private")) return "private";
  if (request.headers.authorization !== undefined && !allowsAuthenticatedReuse(directives)) return "authorization";
  if (!isStorable({ method: "GET", headers: request.headers }, response)) return "not-storable";
  if (toVaryNames(response.headers.vary).includes("*")) return "vary-star";
  if (response.headers["set-cookie"] !== undefined && !request.rule.storeSetCookie) return "set-cookie";
  const contentLength = Number(response.headers["content-length"] ?? 0);
  if (contentLength > limitBytes) return "too-large";
  return undefined;
}
