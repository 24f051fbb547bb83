import type { IncomingHttpHeaders } from "node:http";
import { Readable } from "node:stream";

import type { Dispatcher } from "undici";

import { forwardableTrailers } from "../guard/hop-by-hop.ts";
import type { BodySink, RelayedBody } from "../origin.ts";

/**
 * The downstream client as an exchange sees it: whether it left, and whom to tell when it does.
 * One per request, cheaper than an AbortController: no event target, no listener list.
 */
export class ClientLink {
  #reason: Error | undefined;
  #onLeave: ((reason: Error) => void) | undefined;

  get leftWith(): Error | undefined {
    return this.#reason;
  }

  leave(reason: Error): void {
    if (this.#reason) return;
    this.#reason = reason;
    this.#onLeave?.(reason);
  }

  /** One exchange at a time watches the client: the attempt that is waiting for its answer. */
  watch(onLeave: ((reason: Error) => void) | undefined): void {
    this.#onLeave = onLeave;
  }
}

export interface ExchangeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Readable | null;
}

/** A target's answer, resolved at its header block. */
export interface Exchanged {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

/**
 * One request to one target through undici's dispatch API. The answer's body is a plain Readable
 * fed straight from the connection, paused and resumed with it, and destroying it abandons the
 * exchange. `done` runs once, when the target finished answering or the exchange failed.
 */
export function exchange(
  dispatcher: Dispatcher,
  request: ExchangeRequest,
  client: ClientLink | undefined,
  done: () => void,
): Promise<Exchanged> {
  return new Promise((resolve, reject) => {
    dispatcher.dispatch(request, new ExchangeHandler(resolve, reject, request.body, client, done));
  });
}

class ExchangeHandler implements Dispatcher.DispatchHandler {
  #body: ResponseBody | undefined;
  #settled = false;
  readonly #resolve: (exchanged: Exchanged) => void;
  readonly #reject: (error: Error) => void;
  readonly #requestBody: Readable | null;
  readonly #client: ClientLink | undefined;
  readonly #done: () => void;

  constructor(
    resolve: (exchanged: Exchanged) => void,
    reject: (error: Error) => void,
    requestBody: Readable | null,
    client: ClientLink | undefined,
    done: () => void,
  ) {
    this.#resolve = resolve;
    this.#reject = reject;
    this.#requestBody = requestBody;
    this.#client = client;
    this.#done = done;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    const left = this.#client?.leftWith;
    if (left) controller.abort(left);
    else this.#client?.watch((reason) => controller.abort(reason));
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // An informational answer (100 Continue, 103 Early Hints) is not the answer.
    if (statusCode < 200) return;
    this.#client?.watch(undefined);
    this.#body = new ResponseBody(controller);
    this.#resolve({ statusCode, headers, body: this.#body });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const body = this.#body;
    if (!body) return;
    const accepted = body.sink ? body.sink.write(chunk) : body.push(chunk);
    if (!accepted) controller.pause();
  }

  onResponseEnd(_controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    this.#finish();
    const body = this.#body;
    if (!body) return;
    body.complete = true;
    body.trailers = forwardableTrailers(trailers);
    if (body.sink) body.sink.end(body.trailers);
    else body.push(null);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#client?.watch(undefined);
    this.#finish();
    // undici leaves a request body it could not send to its owner; nobody will read it now.
    if (this.#requestBody && !this.#requestBody.destroyed) this.#requestBody.on("error", ignore).destroy(error);
    const body = this.#body;
    if (body?.sink) body.sink.upstreamFailed(error);
    else if (body) body.destroy(error);
    else this.#reject(error);
  }

  #finish(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#done();
  }
}

/**
 * The answer's body: reading asks the connection for more, destroying it abandons the exchange.
 * Relayed instead, its chunks go straight from the connection into the client's answer, with no
 * stream events in between: what arrived before is read out first.
 */
class ResponseBody extends Readable implements RelayedBody {
  readonly #controller: Dispatcher.DispatchController;
  /** The target sent all of it: what is left to read is buffered here, nothing to abort. */
  complete = false;
  /** Where the chunks go once relayed; undefined while the body is read as a stream. */
  sink: BodySink | undefined;
  /** The target's trailer fields, once complete; only a relayed body passes them on. */
  trailers: Record<string, string> | undefined;

  constructor(controller: Dispatcher.DispatchController) {
    super();
    this.#controller = controller;
  }

  relayTo(sink: BodySink): void {
    if (this.destroyed) {
      sink.upstreamFailed(this.errored ?? undefined);
      return;
    }
    sink.source(
      () => this.#controller.resume(),
      (error) => {
        if (!this.complete) this.#controller.abort(error);
      },
    );
    for (let chunk = this.read() as Buffer | null; chunk !== null; chunk = this.read() as Buffer | null) {
      if (!sink.write(chunk)) this.#controller.pause();
    }
    if (this.complete) sink.end(this.trailers);
    else this.sink = sink;
  }

  override _read(): void {
    this.#controller.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.complete) this.#controller.abort(error ?? new Error("response body abandoned"));
    callback(error);
  }
}

function ignore(): void {}
