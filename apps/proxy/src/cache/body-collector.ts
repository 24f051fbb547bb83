import { pipeline, Transform } from "node:stream";
import type { Readable } from "node:stream";

/**
 * Passes an origin body through to the client while keeping a copy for storage. Past `limitBytes`
 * the copy is dropped at once and the rest only passes through, so an oversized body is never
 * buffered. `onSettled` gets the whole body, or null when it was too big or did not complete.
 */
export function teeBody(
  body: Readable,
  limitBytes: number,
  onSettled: (collected: Buffer | null) => void,
): Readable {
  let chunks: Buffer[] | null = [];
  let collectedBytes = 0;
  let settled = false;
  const settle = (collected: Buffer | null): void => {
    if (settled) return;
    settled = true;
    onSettled(collected);
  };

  const tee = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (chunks) {
        collectedBytes += chunk.length;
        if (collectedBytes > limitBytes) {
          chunks = null;
          settle(null);
        } else {
          chunks.push(chunk);
        }
      }
      callback(null, chunk);
    },
    flush(callback) {
      settle(chunks ? Buffer.concat(chunks, collectedBytes) : null);
      callback();
    },
  });
  pipeline(body, tee, (error) => {
    if (error) settle(null);
  });
  return tee;
}

