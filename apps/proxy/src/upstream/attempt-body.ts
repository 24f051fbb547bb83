import { Readable } from "node:stream";

/**
 * The client's body as one attempt sees it. undici destroys the body stream of a failed request;
 * this wrapper takes that blow instead of the client's request, so the proxy can still answer
 * the client, and a body nobody has read yet can be offered to the next target. It reads the
 * source only when undici pulls, and pauses it when undici pushes back.
 */
export function createAttemptBody(source: Readable): Readable {
  let attached = false;

  const onData = (chunk: Buffer): void => {
    if (!attempt.push(chunk)) source.pause();
  };
  const onEnd = (): void => {
    attempt.push(null);
  };
  const onError = (error: Error): void => {
    attempt.destroy(error);
  };
  const onClose = (): void => {
    if (!source.readableEnded) attempt.destroy(new Error("request body closed before its end"));
  };

  const attempt = new Readable({
    read() {
      if (attached) {
        source.resume();
        return;
      }
      attached = true;
      if (source.readableEnded) {
        attempt.push(null);
        return;
      }
      // A body that failed before anyone read it (a reset HTTP/2 stream) emits nothing more.
      if (source.destroyed) {
        attempt.destroy(source.errored ?? new Error("request body closed before its end"));
        return;
      }
      source.on("data", onData);
      source.once("end", onEnd);
      source.once("error", onError);
      source.once("close", onClose);
      source.resume();
    },
    destroy(error, callback) {
      source.off("data", onData);
      source.off("end", onEnd);
      source.off("error", onError);
      source.off("close", onClose);
      if (!source.readableEnded) source.pause();
      callback(error);
    },
  });
  return attempt;
}

/** A body some attempt already read from cannot be sent again. */
export function isBodyReplayable(source: Readable | null): boolean {
  return source === null || !source.readableDidRead;
}
