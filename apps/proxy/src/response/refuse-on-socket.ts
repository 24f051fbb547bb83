import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

/**
 * An answer written straight on a socket node has handed over (parse errors, CONNECT,
 * refused upgrades), then the connection is closed: after such a request, nothing read from
 * it can be trusted to start a new message.
 */
export function refuseOnSocket(socket: Duplex, status: number, via?: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const reason = STATUS_CODES[status] ?? "Error";
  const body = `${status} ${reason.toLowerCase()}\n`;
  const viaLine = via ? `Via: ${via}\r\n` : "";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${viaLine}\r\n${body}`,
  );
  socket.once("finish", () => socket.destroy());
}
