import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Http2ServerRequest } from "node:http2";

/**
 * An HTTP/2 request as the pipeline reads an HTTP/1.1 one. RFC 9113 §8.3.1: `:authority` is
 * the target's authority and wins over any Host header (as an absolute-form target's does in
 * HTTP/1.1), so it becomes Host; pseudo-headers are not header fields and never go upstream.
 * HTTP/2 frames its body itself, so a body without Content-Length is marked chunked for the
 * body limit to count it as it streams (the marker is hop-by-hop and stays here).
 */
const COLON = 58;

export function asPipelineRequest(req: Http2ServerRequest): IncomingMessage {
  const source = req.headers;
  const headers: IncomingHttpHeaders = {};
  for (const name in source) {
    if (name.charCodeAt(0) !== COLON) headers[name] = source[name];
  }
  const authority = source[":authority"];
  if (authority !== undefined) headers.host = authority;
  if (!req.stream.endAfterHeaders && headers["content-length"] === undefined)
    headers["transfer-encoding"] = "chunked";
  // The compat layer ends the body of a reset stream as if it were complete (a DATA length that
  // contradicts Content-Length is one, RFC 9113 §8.1.1): whoever reads it must see it fail instead.
  req.stream.once("aborted", () => {
    if (!req.readableEnded) req.destroy(new Error("HTTP/2 stream reset before its body ended"));
  });
  // An own property shadows the compat layer's getter; method and URL still read the originals.
  Object.defineProperty(req, "headers", { value: headers, enumerable: true });
  return req as unknown as IncomingMessage;
}
