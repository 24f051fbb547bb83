import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";

import { ProxyError } from "../errors.ts";
import type { BodySink, RelayedBody } from "../origin.ts";

/**
 * The client's side of an answer's body: writes with backpressure, counts what was written, and
 * blames the side that fails first — a client that leaves is CLIENT_ABORTED, an origin that
 * breaks is UPSTREAM_RESET — then tears down whatever is not done yet. `done` settles once the
 * answer was handed to the client's connection, or with the first failure.
 */
class Downstream implements BodySink {
  readonly done: Promise<void>;
  readonly #res: ServerResponse;
  readonly #counted: (bytes: number) => void;
  #resumeSource: () => void = noop;
  #stopSource: (error: ProxyError) => void = noop;
  #failed = false;
  #reject!: (error: ProxyError) => void;
  readonly #onDrain = (): void => this.#resumeSource();

  constructor(res: ServerResponse, counted: (bytes: number) => void) {
    this.#res = res;
    this.#counted = counted;
    this.done = new Promise((resolve, reject) => {
      this.#reject = reject;
      res.once("finish", resolve);
    });
    const clientLeft = (cause?: unknown): void => {
      if (res.writableFinished) return;
      this.#fail(new ProxyError("CLIENT_ABORTED", "client", { message: "the client left before the end of the answer", cause }));
    };
    res.once("close", clientLeft);
    res.once("error", clientLeft);
  }

  /** Who feeds this body: how to let it go on after a pause, and how to stop it when the client left. */
  source(resume: () => void, stop: (error: ProxyError) => void): void {
    this.#resumeSource = resume;
    this.#stopSource = stop;
  }

  /** false: the client's connection is full; the source pauses until `resume` is called. */
  write(chunk: Buffer): boolean {
    this.#counted(chunk.length);
    if (this.#res.write(chunk)) return true;
    this.#res.once("drain", this.#onDrain);
    return false;
  }

  end(trailers?: Record<string, string>): void {
    if (trailers) this.#addTrailers(trailers);
    this.#res.end();
  }

  upstreamFailed(cause: unknown): void {
    this.#fail(new ProxyError("UPSTREAM_RESET", "upstream", { cause, message: "the origin's body broke before its end" }));
  }

  /** Sent only on a chunked HTTP/1.1 answer or an HTTP/2 stream: Node drops them elsewhere. */
  #addTrailers(trailers: Record<string, string>): void {
    try {
      this.#res.addTrailers(trailers);
    } catch {
      // A field undici accepted but Node refuses to write (a character outside the field-value
      // grammar): the trailers are optional metadata (RFC 9110 §6.5.1), the answer is not.
    }
  }

  #fail(error: ProxyError): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#stopSource(error);
    if (!this.#res.destroyed && !this.#res.writableFinished) this.#res.destroy(error);
    this.#reject(error);
  }
}

/**
 * The answer's body to the client. A body that can relay itself (an origin's, see
 * upstream/exchange.ts) writes its chunks straight into the response; any other stream is read
 * with four listeners beside the response's three, where `pipe` plus `finished` on both sides add
 * some twenty.
 */
export function pipeBody(body: Readable, res: ServerResponse, counted: (bytes: number) => void): Promise<void> {
  const downstream = new Downstream(res, counted);
  if (isRelayed(body)) {
    body.relayTo(downstream);
    return downstream.done;
  }
  const relay = (chunk: Buffer): void => {
    if (!downstream.write(chunk)) body.pause();
  };
  downstream.source(
    () => body.resume(),
    (error) => {
      body.off("data", relay);
      if (!body.destroyed && !body.readableEnded) body.destroy(error);
    },
  );
  body.on("data", relay);
  body.once("end", () => downstream.end());
  body.once("error", (error) => downstream.upstreamFailed(error));
  body.once("close", () => {
    if (!body.readableEnded) downstream.upstreamFailed(undefined);
  });
  return downstream.done;
}

function isRelayed(body: Readable): body is Readable & RelayedBody {
  return typeof (body as Partial<RelayedBody>).relayTo === "function";
}

function noop(): void {}
