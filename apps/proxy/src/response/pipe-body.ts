import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";

import { ProxyError } from "../errors.ts";

/**
 * The answer's body relayed to the client with backpressure, counting what was written. Seven
 * listeners where `stream.pipeline` (or `pipe` plus `finished` on both sides) adds some twenty
 * and an AbortController per answer. Resolves once `res` finished. The side that fails first is
 * the one to blame — a client that leaves is CLIENT_ABORTED, an origin that breaks is
 * UPSTREAM_RESET — and each stream not yet done is then destroyed.
 */
export function pipeBody(body: Readable, res: ServerResponse, counted: (bytes: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = (error: ProxyError): void => {
      if (failed) return;
      failed = true;
      body.off("data", relay);
      if (!body.destroyed && !body.readableEnded) body.destroy(error);
      if (!res.destroyed && !res.writableFinished) res.destroy(error);
      reject(error);
    };
    const resume = (): void => {
      body.resume();
    };
    const relay = (chunk: Buffer): void => {
      counted(chunk.length);
      if (!res.write(chunk)) {
        body.pause();
        res.once("drain", resume);
      }
    };

    body.on("data", relay);
    body.once("end", () => res.end());
    body.once("error", (error) => fail(new ProxyError("UPSTREAM_RESET", "upstream", { cause: error })));
    body.once("close", () => {
      if (!body.readableEnded) fail(new ProxyError("UPSTREAM_RESET", "upstream", { message: "the origin's body closed before its end" }));
    });
    const clientLeft = (cause?: unknown): void => {
      if (!res.writableFinished) fail(new ProxyError("CLIENT_ABORTED", "client", { message: "the client left before the end of the answer", cause }));
    };
    res.once("finish", resolve);
    res.once("close", clientLeft);
    res.once("error", clientLeft);
  });
}
