/**
 * PROXY protocol v1 and v2 (HAProxy's spec): a load balancer in front of a listener opens
 * each connection with a header naming the real client. With the listener's `proxyProtocol`
 * on, every connection must start with one; the address it names replaces the socket's peer
 * address for access control, rate limits, forwarding headers, logs and metrics.
 */
import type { Server as HttpServer } from "node:http";
import { createServer, isIPv4, isIPv6, type Server, type Socket } from "node:net";
import { Server as TlsServer, type TLSSocket } from "node:tls";

import type { Logger } from "../logger.ts";

const V2_SIGNATURE = Buffer.from([
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
]);
const V1_PREFIX = Buffer.from("PROXY ");
/** v1: "PROXY TCP6 " + two addresses + two ports + CRLF fit in 107 bytes. */
const V1_MAX_BYTES = 107;
const V2_HEADER_BYTES = 16;
const V1_LINE = /^PROXY (?:UNKNOWN(?: .*)?|(TCP4|TCP6) (\S+) (\S+) (\d{1,5}) (\d{1,5}))$/;

export type ProxyHeader =
  | { kind: "incomplete" }
  | { kind: "invalid"; reason: string }
  /** `address` is undefined for LOCAL (v2) and UNKNOWN (v1): the connection's own peer is meant. */
  | { kind: "parsed"; address: string | undefined; headerBytes: number };

const INCOMPLETE: ProxyHeader = { kind: "incomplete" };

export function parseProxyHeader(bytes: Buffer): ProxyHeader {
  if (startsWith(bytes, V2_SIGNATURE)) return parseV2(bytes);
  if (startsWith(bytes, V1_PREFIX)) return parseV1(bytes);
  const couldStillMatch = startsWith(V2_SIGNATURE, bytes) || startsWith(V1_PREFIX, bytes);
  return couldStillMatch ? INCOMPLETE : { kind: "invalid", reason: "no PROXY protocol header" };
}

function startsWith(bytes: Buffer, prefix: Buffer): boolean {
  const length = Math.min(bytes.length, prefix.length);
  return (
    bytes.subarray(0, length).equals(prefix.subarray(0, length)) && bytes.length >= prefix.length
  );
}

function parseV1(bytes: Buffer): ProxyHeader {
  const end = bytes.indexOf("\r\n");
  if (end === -1) {
    return bytes.length >= V1_MAX_BYTES
      ? { kind: "invalid", reason: "PROXY v1 line too long" }
      : INCOMPLETE;
  }
  const match = V1_LINE.exec(bytes.toString("latin1", 0, end));
  if (!match) return { kind: "invalid", reason: "malformed PROXY v1 line" };
  const [, family, source] = match;
  if (family !== undefined && !(family === "TCP4" ? isIPv4 : isIPv6)(source ?? "")) {
    return {
      kind: "invalid",
      reason: `PROXY v1 source is not an ${family === "TCP4" ? "IPv4" : "IPv6"} address`,
    };
  }
  return { kind: "parsed", address: source, headerBytes: end + 2 };
}

function parseV2(bytes: Buffer): ProxyHeader {
  if (bytes.length < V2_HEADER_BYTES) return INCOMPLETE;
  const versionAndCommand = bytes[12] ?? 0;
  if (versionAndCommand >> 4 !== 2) return { kind: "invalid", reason: "PROXY v2 version is not 2" };
  const length = bytes.readUInt16BE(14);
  const headerBytes = V2_HEADER_BYTES + length;
  if (bytes.length < headerBytes) return INCOMPLETE;
  const command = versionAndCommand & 0x0f;
  if (command === 0x0) return { kind: "parsed", address: undefined, headerBytes }; // LOCAL: a health check of the balancer's own
  if (command !== 0x1) return { kind: "invalid", reason: "PROXY v2 command unknown" };
  const family = (bytes[13] ?? 0) >> 4;
  const body = bytes.subarray(V2_HEADER_BYTES, headerBytes);
  if (family === 0x1 && body.length >= 12)
    return { kind: "parsed", address: [...body.subarray(0, 4)].join("."), headerBytes };
  if (family === 0x2 && body.length >= 36)
    return { kind: "parsed", address: ipv6Of(body.subarray(0, 16)), headerBytes };
  return { kind: "parsed", address: undefined, headerBytes }; // AF_UNSPEC or AF_UNIX: no IP to report
}

function ipv6Of(bytes: Buffer): string {
  const groups: string[] = [];
  for (let offset = 0; offset < 16; offset += 2)
    groups.push(bytes.readUInt16BE(offset).toString(16));
  return groups.join(":");
}

const proxiedAddresses = new WeakMap<Socket, string>();

/** The client's address: what the PROXY header named, else the socket's own peer. */
export function peerAddressOf(socket: Socket): string {
  return proxiedAddresses.get(socket) ?? socket.remoteAddress ?? "";
}

/**
 * Reads the header off a fresh connection, then hands the socket on with the bytes after the
 * header put back. A connection without a valid header within `timeoutMs` is closed.
 */
export function acceptProxyHeader(
  socket: Socket,
  timeoutMs: number,
  onAccepted: (socket: Socket) => void,
  onRefused: (reason: string) => void,
): void {
  let buffered = Buffer.alloc(0);
  const timer = setTimeout(() => refuse("no PROXY protocol header in time"), timeoutMs);
  const cleanup = (): void => {
    clearTimeout(timer);
    socket.off("data", onData);
    socket.off("error", onError);
  };
  const refuse = (reason: string): void => {
    cleanup();
    socket.destroy();
    onRefused(reason);
  };
  const onError = (): void => refuse("connection failed before its PROXY header");
  const onData = (chunk: Buffer): void => {
    buffered = Buffer.concat([buffered, chunk]);
    const header = parseProxyHeader(buffered);
    if (header.kind === "incomplete") return;
    if (header.kind === "invalid") return refuse(header.reason);
    cleanup();
    socket.pause();
    if (header.address !== undefined) proxiedAddresses.set(socket, header.address);
    const rest = buffered.subarray(header.headerBytes);
    if (rest.length > 0) socket.unshift(rest);
    onAccepted(socket);
  };
  socket.on("data", onData);
  socket.on("error", onError);
}

/**
 * A TLS socket speaks for the TCP connection it wraps (node keeps that one as `_parent`), so it
 * takes the address that connection's header named. It becomes the socket's own `remoteAddress`
 * too: HTTP/2 requests see their connection through a proxy object that reads that property.
 */
export function inheritProxiedAddress(socket: TLSSocket): void {
  const wrapped = (socket as TLSSocket & { _parent?: Socket | null })._parent;
  const address = wrapped ? proxiedAddresses.get(wrapped) : undefined;
  if (address === undefined) return;
  proxiedAddresses.set(socket, address);
  Object.defineProperty(socket, "remoteAddress", { value: address, configurable: true });
}

/**
 * A TCP front for `server` that takes each connection's PROXY header off before HTTP (or, for a
 * TLS server, the handshake) sees it.
 */
export function acceptingProxyHeaders(
  server: HttpServer | TlsServer,
  timeoutMs: number,
  log: Logger,
): Server {
  return createServer((socket) =>
    acceptProxyHeader(
      socket,
      timeoutMs,
      (accepted) => {
        server.emit("connection", accepted);
        // A TLS server reads through the socket's handle (taking what was put back too); resuming it here would steal those bytes.
        if (!(server instanceof TlsServer)) accepted.resume();
      },
      (reason) => {
        if (log.isLevelEnabled("debug"))
          log.debug({ reason }, "connection refused: PROXY protocol");
      },
    ),
  );
}
