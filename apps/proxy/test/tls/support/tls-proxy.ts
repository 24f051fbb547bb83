import { once } from "node:events";
import {
  connect as connectH2,
  type ClientHttp2Session,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from "node:http2";
import { connect as connectTls, type ConnectionOptions, type TLSSocket } from "node:tls";

import type { ConfigSnapshot } from "@concierge/config/snapshot";
import { pino } from "pino";

import { startTlsListener } from "../../../src/listener/tls-listener.ts";
import { createProxyRuntime, type ProxyRuntime } from "../../../src/runtime.ts";
import {
  createCertificateStore,
  type CertificateStore,
  type ServingCertificate,
} from "../../../src/tls/certificate-store.ts";
import { exchangeOn, PSEUDONYM, type RawExchange } from "../../front/support.ts";
import type { IssuedCertificate } from "./issue-certificate.ts";

export interface TlsProxy {
  runtime: ProxyRuntime;
  store: CertificateStore;
  port: number;
  close(): Promise<void>;
}

export async function startTlsProxy(options: {
  snapshot: ConfigSnapshot;
  certificates: ServingCertificate[];
  proxyProtocol?: boolean;
}): Promise<TlsProxy> {
  const log = pino({ level: "silent" });
  const runtime = createProxyRuntime({
    log,
    pseudonym: PSEUDONYM,
    cacheMaxBytes: 1_000_000,
    trustedProxies: [],
  });
  runtime.apply(options.snapshot, 1);
  const store = createCertificateStore(options.certificates);
  const listener = await startTlsListener({
    port: 0,
    host: "127.0.0.1",
    runtime,
    log,
    certificates: store,
    proxyProtocol: options.proxyProtocol,
  });
  return {
    runtime,
    store,
    port: listener.port,
    async close() {
      await listener.drain(1_000);
      await runtime.close();
    },
  };
}

let nextId = 0;
export function serving(
  issued: IssuedCertificate,
  names: string[],
  isDefault = false,
): ServingCertificate {
  return {
    id: `certificate-${nextId++}`,
    names,
    certificatePem: issued.certificatePem,
    privateKeyPem: issued.privateKeyPem,
    isDefault,
  };
}

/** Handshakes (no request) and resolves with the socket once the session is up. */
export async function handshake(port: number, options: ConnectionOptions = {}): Promise<TLSSocket> {
  const socket = connectTls({
    host: "127.0.0.1",
    port,
    rejectUnauthorized: false,
    ALPNProtocols: ["http/1.1"],
    ...options,
  });
  await once(socket, "secureConnect");
  return socket;
}

/** The SHA-256 fingerprint of the certificate a handshake with this SNI gets (undefined: no SNI). */
export async function servedFingerprint(port: number, servername?: string): Promise<string> {
  const socket = await handshake(port, servername === undefined ? {} : { servername });
  const fingerprint = socket.getPeerCertificate().fingerprint256;
  socket.destroy();
  return fingerprint;
}

export async function connectHttp2(
  port: number,
  servername = "shop.test",
): Promise<ClientHttp2Session> {
  const session = connectH2(`https://127.0.0.1:${port}`, { servername, rejectUnauthorized: false });
  session.on("error", () => {});
  await once(session, "connect");
  return session;
}

export interface H2Answer {
  headers: IncomingHttpHeaders;
  body: string;
}

export async function h2Request(
  session: ClientHttp2Session,
  headers: OutgoingHttpHeaders,
  body?: string,
): Promise<H2Answer> {
  const stream = session.request(headers, { endStream: body === undefined });
  if (body !== undefined) stream.end(body);
  const [answerHeaders] = (await once(stream, "response")) as [IncomingHttpHeaders];
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return { headers: answerHeaders, body: Buffer.concat(chunks).toString() };
}

/** `rawExchange` of the plain suite over TLS (ALPN http/1.1). */
export async function rawTlsExchange(
  port: number,
  request: string,
  waitMs = 2_000,
): Promise<RawExchange> {
  return exchangeOn(await handshake(port, { servername: "shop.test" }), request, waitMs);
}
