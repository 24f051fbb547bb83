import type { ServerResponse } from "node:http";
import { finished, type Readable } from "node:stream";

import { ProxyError } from "../errors.ts";

/**
 * `stream/promises.pipeline(body, res)` without what node's pipeline allocates per call: an
 * AbortController that it aborts when done, which builds a DOMException with a stack trace on
 * every streamed answer. Resolves once `res` finished. The side that fails first is the one to
 * blame — a client that leaves is CLIENT_ABORTED, an origin that breaks is UPSTREAM_RESET — and
 * each stream not yet done is then destroyed.
 */
export function pipeBody(body: Readable, res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = (error: ProxyError): void => {
      if (failed) return;
      failed = true;
      if (!body.destroyed && !body.readableEnded) body.destroy(error);
      if (!res.destroyed && !res.writableFinished) res.destroy(error);
      reject(error);
    };
    finished(body, (error) => {
      if (error) fail(new ProxyError("UPSTREAM_RESET", "upstream", { cause: error }));
    });
    finished(res, (error) => {
      if (error) fail(new ProxyError("CLIENT_ABORTED", "client", { cause: error }));
      else resolve();
    });
    body.pipe(res);
  });
}
