import type { Readable } from "node:stream";

/** Drops an origin answer nobody will read; the error its destruction raises is expected. */
export function abandonBody(body: Readable): void {
  body.on("error", () => {});
  body.destroy();
}
