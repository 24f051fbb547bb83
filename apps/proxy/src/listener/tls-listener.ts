import { once } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  createSecureServer,
  Http2ServerRequest,
  type Http2ServerResponse,
  type ServerHttp2Session,
} from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import type { TLSSocket } from "node:tls";

import type { Logger } from "pino";

import { refuseOnSocket } from "../response/refuse-on-socket.ts";
import type { ProxyRuntime } from "../runtime.ts";
import type { CertificateSource, CompiledCertificates } from "../tls/certificate-store.ts";
import { selectContext } from "../tls/select-context.ts";
import { TLS_POLICY } from "../tls/tls-policy.ts";
import { createConnectionTracker, drainConnections } from "./connection-tracker.ts";
import {
  DEFAULT_LISTENER_LIMITS,
  statusForParseError,
  type DataListener,
  type ListenerLimits,
} from "./data-listener.ts";
import { asPipelineRequest } from "./h2-request.ts";
import { acceptingProxyHeaders, inheritProxiedAddress } from "./proxy-protocol.ts";

/**
 * Listener stage for TLS: one port speaking HTTP/2 and HTTP/1.1, chosen by ALPN. Both reach the
 * same pipeline as the plain listener, under the same limits. The certificate for each
 * handshake comes from the compiled set current at that moment (SNI: exact, wildcard, default),
 * so certificate changes apply to new handshakes while open connections carry on.
 */
export async function startTlsListener(options: {
  port: number;
  host: string;
  runtime: ProxyRuntime;
  log: Logger;
  certificates: CertificateSource;
  limits?: Partial<ListenerLimits>;
  /** Each connection starts with a PROXY protocol v1/v2 header, read before the TLS handshake. */
  proxyProtocol?: boolean;
}): Promise<DataListener> {
  const limits = { ...DEFAULT_LISTENER_LIMITS, ...options.limits };
  const { runtime, log, certificates } = options;
  const requestOptions = { maxUrlBytes: limits.maxUrlBytes };
  const tracker = createConnectionTracker(runtime.metrics);
  const sessions = new Set<ServerHttp2Session>();
  const answering = new WeakMap<Socket, ServerResponse>();
  const upgraded = new WeakSet<Socket>();
  let draining = false;

  const server = createSecureServer({
    ...TLS_POLICY,
    ...fallbackCredentials(certificates.current()),
    allowHTTP1: true,
    ALPNProtocols: ["h2", "http/1.1"],
    SNICallback: (servername, done) =>
      done(null, selectContext(certificates.current(), servername)),
    settings: { maxHeaderListSize: limits.maxHeaderBytes, enablePush: false },
  });
  // The HTTP/1.1 side of the port is node's http connection handling, configured through these.
  Object.assign(server, {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
    requireHostHeader: true,
  });
  // Clients sending no SNI (an IP address as host) get the default certificate.
  const unsubscribe = certificates.onChange((current) => {
    // setSecureContext keeps the previous key and cert unless given new ones; a removed default must go too.
    Object.assign(server, { cert: undefined, key: undefined });
    server.setSecureContext({ ...TLS_POLICY, ...fallbackCredentials(current) });
  });

  server.on("secureConnection", (socket: TLSSocket) => {
    if (options.proxyProtocol) inheritProxiedAddress(socket);
    tracker.track(socket);
  });
  server.on("session", (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
    if (draining) session.close();
    let openStreams = 0;
    session.on("stream", (stream) => {
      openStreams++;
      stream.once("close", () => openStreams--);
    });
    // An idle HTTP/2 connection is closed like an idle keep-alive one; a stream waiting on a slow origin is not idle.
    session.setTimeout(limits.keepAliveTimeoutMs, () => {
      if (openStreams === 0) session.close();
    });
  });

  const onRequest = (
    req: IncomingMessage | Http2ServerRequest,
    res: ServerResponse | Http2ServerResponse,
  ): void => {
    if (req instanceof Http2ServerRequest) {
      void runtime.handleRequest(
        asPipelineRequest(req),
        res as unknown as ServerResponse,
        requestOptions,
      );
      return;
    }
    const http1 = res as ServerResponse;
    if (draining) http1.shouldKeepAlive = false;
    answering.set(req.socket, http1);
    http1.once("finish", () => answering.delete(req.socket));
    void runtime.handleRequest(req, http1, requestOptions);
  };
  server.on("request", onRequest);
  server.on("checkContinue", onRequest);
  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    upgraded.add(socket);
    runtime.handleUpgrade(req, socket, head, requestOptions);
  });
  // RFC 9110 §9.3.6: a reverse proxy opens no tunnels.
  server.on("connect", (_req: IncomingMessage, socket: Socket) => refuseOnSocket(socket, 405));
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    if (log.isLevelEnabled("debug")) log.debug({ err: error }, "client connection refused");
    if (error.code === "ECONNRESET" || answering.get(socket)?.headersSent) {
      socket.destroy();
      return;
    }
    refuseOnSocket(socket, statusForParseError(error.code));
  });
  server.on("tlsClientError", (error: Error) => {
    if (log.isLevelEnabled("debug")) log.debug({ err: error }, "TLS handshake refused");
  });

  const front = options.proxyProtocol
    ? acceptingProxyHeaders(server, limits.headersTimeoutMs, log)
    : server;
  front.listen(options.port, options.host);
  await once(front, "listening");
  const { port } = front.address() as AddressInfo;
  log.info({ port, host: options.host }, "tls listener started");

  return {
    port,
    connections: () => tracker.count(),
    async drain(graceMs) {
      draining = true;
      unsubscribe();
      front.close();
      if (front !== server) server.close();
      // GOAWAY: streams in flight finish, no new ones start.
      for (const session of sessions) session.close();
      await drainConnections(tracker, {
        answering,
        upgraded,
        graceMs,
        // HTTP/2 sessions were sent GOAWAY above and close once their streams are done.
        skip: (socket) => (socket as TLSSocket).alpnProtocol === "h2",
      });
    },
  };
}

function fallbackCredentials(certificates: CompiledCertificates): { cert?: string; key?: string } {
  const fallback = certificates.fallback;
  return fallback ? { cert: fallback.certificatePem, key: fallback.privateKeyPem } : {};
}
