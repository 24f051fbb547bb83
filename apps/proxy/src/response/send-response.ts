import type { ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";

import { abandonBody } from "../abandon-body.ts";
import { ProxyError } from "../errors.ts";
import { responseWithoutHopByHop } from "../guard/hop-by-hop.ts";
import { appendVia } from "../guard/request-shape.ts";
import type { ProxyResponse } from "../origin.ts";
import type { RequestContext } from "../request-context.ts";
import { applyHeaderRules } from "../router/apply-header-rules.ts";

/**
 * Response stage: the answer goes downstream without hop-by-hop headers, with the route's
 * response header rules and our Via entry, its body streamed with backpressure. A client that
 * leaves mid-body is a CLIENT_ABORTED; an origin that breaks mid-body is an UPSTREAM_RESET.
 */
export async function sendResponse(
  res: ServerResponse,
  response: ProxyResponse,
  ctx: RequestContext,
  via: string,
): Promise<void> {
  const headers = responseWithoutHopByHop(response.headers);
  if (ctx.route) applyHeaderRules(headers, ctx.route.responseHeaders);
  headers["via"] = appendVia(headers["via"], via);
  const hsts = ctx.route?.policies.hsts;
  if (hsts && ctx.scheme === "https") headers["strict-transport-security"] = hsts;
  if (ctx.closeConnection && speaksHttp1(res)) headers["connection"] = "close";

  ctx.status = response.statusCode;
  ctx.cacheOutcome = response.cacheOutcome;
  ctx.bytesSaved = response.bytesSaved ?? 0;
  res.writeHead(response.statusCode, headers);

  const { body } = response;
  if (body === null || ctx.method === "HEAD") {
    if (body !== null && !Buffer.isBuffer(body)) abandonBody(body);
    res.end();
    return;
  }
  if (Buffer.isBuffer(body)) {
    ctx.bytesOut = body.length;
    res.end(body);
    return;
  }
  const streamed = pipeline(body, res);
  body.on("data", (chunk: Buffer) => {
    ctx.bytesOut += chunk.length;
  });
  try {
    await streamed;
  } catch (error) {
    const clientLeft = !res.writableFinished && res.socket?.destroyed !== false && !body.errored;
    throw new ProxyError(clientLeft ? "CLIENT_ABORTED" : "UPSTREAM_RESET", clientLeft ? "client" : "upstream", {
      cause: error,
    });
  }
}

/** RFC 9113 §8.2.2: connection-specific fields do not exist in HTTP/2; a stream ends on its own. */
export function speaksHttp1(res: ServerResponse): boolean {
  return res.req.httpVersionMajor < 2;
}
