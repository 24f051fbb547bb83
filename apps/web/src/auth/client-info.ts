import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";

/** What the web knows about the browser or script at the other end. */
export interface ClientInfo {
  address: string;
  https: boolean;
}

/**
 * Headers the custom server sets on every request after deleting any sent by the client, so
 * route handlers learn the peer address and scheme, which the Web Request API does not carry.
 */
export const CLIENT_ADDRESS_HEADER = "x-concierge-client-address";
export const CLIENT_HTTPS_HEADER = "x-concierge-client-https";

function normaliseAddress(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

/**
 * The client's address and scheme. Forwarding headers count only when the peer is a trusted
 * proxy; X-Forwarded-For is read right to left, skipping trusted hops, so a client cannot
 * choose its own address by sending the header itself.
 */
export function resolveClient(req: IncomingMessage, trustedProxies: readonly string[]): ClientInfo {
  const peer = normaliseAddress(req.socket.remoteAddress ?? "unknown");
  const direct = { address: peer, https: (req.socket as Partial<TLSSocket>).encrypted === true };
  if (!trustedProxies.includes(peer)) return direct;

  const forwardedFor = String(req.headers["x-forwarded-for"] ?? "")
    .split(",")
    .map((hop) => normaliseAddress(hop.trim()))
    .filter((hop) => hop !== "");
  let address = peer;
  while (forwardedFor.length > 0 && trustedProxies.includes(address)) {
    address = forwardedFor.pop() ?? address;
  }
  const proto = String(req.headers["x-forwarded-proto"] ?? "")
    .split(",")[0]
    ?.trim()
    .toLowerCase();
  return { address, https: proto === "" || proto === undefined ? direct.https : proto === "https" };
}

/** Stamps the resolved client on the request for the route handlers to read. */
export function stampClient(req: IncomingMessage, trustedProxies: readonly string[]): void {
  const client = resolveClient(req, trustedProxies);
  req.headers[CLIENT_ADDRESS_HEADER] = client.address;
  req.headers[CLIENT_HTTPS_HEADER] = client.https ? "1" : "0";
}

export function clientFromHeaders(headers: Headers): ClientInfo {
  return {
    address: headers.get(CLIENT_ADDRESS_HEADER) ?? "unknown",
    https: headers.get(CLIENT_HTTPS_HEADER) === "1",
  };
}
