import type { RawData } from "ws";

/** The text of a WebSocket message, whichever `binaryType` the socket delivers it as. */
export function messageText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString();
  if (Array.isArray(data)) return Buffer.concat(data).toString();
  return Buffer.from(data).toString();
}
