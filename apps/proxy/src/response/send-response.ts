import type { ServerResponse } from "node:http";

import { abandonBody } from "../abandon-body.ts";
import type { ProxyResponse } from "../origin.ts";
import type { RequestContext } from "../request-context.ts";
import { toDownstreamHeaders } from "./downstream-headers.ts";
import { pipeBody } from "./pipe-body.ts";

/**
 * Response stage: the answer goes downstream without hop-by-hop headers, with the route's
 * response header rules and our Via entry, its body streamed with backpressure. A client that
 * leaves mid-body is a CLIENT_ABORTED; an origin that breaks mid-body is an UPSTREAM_RESET.
 * A body already in memory is written at once and nothing is returned; a streamed one returns
 * the promise of its end.
 */
export function sendResponse(
  res: ServerResponse,
  response: ProxyResponse,
  ctx: RequestContext,
  via: string,
): Promise<void> | undefined {
  const hsts = ctx.route?.policies.hsts ?? null;
  const headers = toDownstreamHeaders(response.headers, {
    rules: ctx.route?.responseHeaders,
    via,
    hsts: ctx.scheme === "https" ? hsts : null,
    closeConnection: ctx.closeConnection && speaksHttp1(res),
  });

  ctx.status = response.statusCode;
  ctx.cacheOutcome = response.cacheOutcome;
  ctx.bytesSaved = response.bytesSaved ?? 0;
  ctx.coalesced = response.coalesced === true;
  res.writeHead(response.statusCode, headers);

  const { body } = response;
  if (body === null || ctx.method === "HEAD") {
    if (body !== null && !Buffer.isBuffer(body)) abandonBody(body);
    res.end();
    return undefined;
  }
  if (Buffer.isBuffer(body)) {
    ctx.bytesOut = body.length;
    res.end(body);
    return undefined;
  }
  return pipeBody(body, res, (bytes) => {
    ctx.bytesOut += bytes;
  });
}

/** RFC 9113 §8.2.2: connection-specific fields do not exist in HTTP/2; a stream ends on its own. */
export function speaksHttp1(res: ServerResponse): boolean {
  return res.req.httpVersionMajor < 2;
}
