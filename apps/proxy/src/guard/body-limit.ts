import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";

import { ProxyError } from "../errors.ts";
import type { RequestContext } from "../request-context.ts";

/**
 * The route's body limit: a declared Content-Length over it is refused before anything is
 * sent upstream; a chunked body is counted while it streams and cut when it passes the limit.
 * Any method may carry a body (RFC 9110 §9.3).
 */
export function limitRequestBody(req: IncomingMessage, maxBodyBytes: number, ctx: RequestContext): Readable | null {
  const contentLength = req.headers["content-length"];
  if (contentLength !== undefined) {
    if (Number(contentLength) > maxBodyBytes) {
      ctx.closeConnection = true;
      throw new ProxyError("BODY_TOO_LARGE", "client");
    }
    ctx.bytesIn = Number(contentLength);
    return contentLength === "0" ? null : req;
  }
  if (req.headers["transfer-encoding"] === undefined) return null;

  return createCountedBody(req, maxBodyBytes, ctx);
}

/**
 * Reads the client only as fast as the consumer pulls, so the limit error is raised while
 * someone is listening for it, never in a buffer nobody reads yet.
 */
function createCountedBody(req: IncomingMessage, maxBodyBytes: number, ctx: RequestContext): Readable {
  let received = 0;
  let attached = false;
  const onData = (chunk: Buffer): void => {
    received += chunk.length;
    ctx.bytesIn = received;
    if (received > maxBodyBytes) {
      req.pause();
      req.off("data", onData);
      ctx.error = new ProxyError("BODY_TOO_LARGE", "client");
      ctx.closeConnection = true;
      counted.destroy(ctx.error);
    } else if (!counted.push(chunk)) {
      req.pause();
    }
  };
  const counted = new Readable({
    read() {
      if (attached) {
        req.resume();
        return;
      }
      attached = true;
      req.on("data", onData);
      req.once("end", () => counted.push(null));
      req.once("error", (error) => counted.destroy(error));
    },
  });
  // A client that leaves mid-body errors `req` after the consumer may have stopped listening;
  // the pipeline already answers for it, so the stream's own error must never go unheard.
  counted.on("error", () => {});
  return counted;
}
