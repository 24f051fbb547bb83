import type { OutgoingHttpHeaders } from "node:http";

import type { CompiledRoute } from "../config/compile-config.ts";
import type { ProxyResponse } from "../origin.ts";

/** An answer the proxy gives itself on a route: the route's error page for the status when it has one, else `text`. */
export function localAnswer(route: CompiledRoute, status: number, headers: OutgoingHttpHeaders, text: string): ProxyResponse {
  const page = status >= 400 ? route.policies.errorPages?.pageFor(status) : undefined;
  const body = page ?? Buffer.from(text);
  return {
    statusCode: status,
    headers: {
      ...headers,
      "content-type": page ? "text/html; charset=utf-8" : "text/plain; charset=utf-8",
      "content-length": body.length,
      "cache-control": "no-store",
    },
    body,
    cacheOutcome: "none",
  };
}
