import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { once } from "node:events";

import type { Logger } from "pino";

import { refuseOnSocket } from "../response/refuse-on-socket.ts";
import type { ProxyRuntime } from "../runtime.ts";
import { createConnectionTracker, drainConnections, isAnswering } from "./connection-tracker.ts";
import type { ChallengeResponder } from "../acme/challenge-responder.ts";
import { acceptingProxyHeaders } from "./proxy-protocol.ts";

/**
 * Listener stage: the downstream sockets. Node's parser (llhttp, strict) refuses malformed
 * and ambiguous messages; here they get a 400 and a closed connection. Timeouts bound how long
 * a client may take to send headers and the whole request (slowloris), and drain lets
 * in-flight requests finish before the process goes.
 */
export interface ListenerLimits {
  /** Time allowed to receive the request line and headers. */
  headersTimeoutMs: number;
  /** Time allowed to receive the whole request, body included. */
  requestTimeoutMs: number;
  /** Idle time before a keep-alive connection is closed. */
  keepAliveTimeoutMs: number;
  /** Request line + headers; beyond it → 431. */
  maxHeaderBytes: number;
  /** Request target; beyond it → 414. */
  maxUrlBytes: number;
  /** How often node checks the two request timeouts. */
  timeoutCheckIntervalMs: number;
}

export const DEFAULT_LISTENER_LIMITS: ListenerLimits = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 300_000,
  keepAliveTimeoutMs: 5_000,
  maxHeaderBytes: 16_384,
  maxUrlBytes: 8_192,
  timeoutCheckIntervalMs: 1_000,
};

export interface DataListener {
  readonly port: number;
  connections(): number;
  /** Stop accepting, let in-flight requests finish, close idle connections; at the deadline destroy the rest. */
  drain(graceMs: number): Promise<void>;
}

export function statusForParseError(code: string | undefined): number {
  if (code === "HPE_HEADER_OVERFLOW") return 431;
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return 408;
  return 400;
}

export async function startDataListener(options: {
  port: number;
  host: string;
  runtime: ProxyRuntime;
  log: Logger;
  limits?: Partial<ListenerLimits>;
  /** Every connection starts with a PROXY protocol (v1/v2) header from a load balancer. */
  proxyProtocol?: boolean;
  /** ACME HTTP-01 answers, given before routing. */
  challenges?: ChallengeResponder;
}): Promise<DataListener> {
  const limits = { ...DEFAULT_LISTENER_LIMITS, ...options.limits };
  const { runtime, log } = options;
  const requestOptions = { maxUrlBytes: limits.maxUrlBytes };
  const tracker = createConnectionTracker(runtime.metrics);
  const answering = new WeakMap<Socket, ServerResponse>();
  const upgraded = new WeakSet<Socket>();
  let draining = false;

  const server = createServer({
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
    requireHostHeader: true,
  });

  server.on("connection", (socket: Socket) => tracker.track(socket));
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (draining) res.shouldKeepAlive = false;
    if (options.challenges?.answer(req, res)) return;
    // Kept after it finishes (the next request replaces it): no listener per request.
    answering.set(req.socket, res);
    void runtime.handleRequest(req, res, requestOptions);
  };
  server.on("request", onRequest);
  // The pipeline sends 100 Continue once the request is routed and within its body limit.
  server.on("checkContinue", onRequest);
  server.on("upgrade", (req, socket, head) => {
    upgraded.add(socket as Socket);
    runtime.handleUpgrade(req, socket, head, requestOptions);
  });
  // RFC 9110 §9.3.6: a reverse proxy opens no tunnels.
  server.on("connect", (_req, socket) => refuseOnSocket(socket, 405));
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    if (log.isLevelEnabled("debug")) log.debug({ err: error }, "client connection refused");
    // Writing our own answer into a response already under way would corrupt it.
    const answer = answering.get(socket as Socket);
    if (error.code === "ECONNRESET" || (isAnswering(answer) && answer.headersSent)) {
      socket.destroy();
      return;
    }
    refuseOnSocket(socket, statusForParseError(error.code));
  });

  const front = options.proxyProtocol ? acceptingProxyHeaders(server, limits.headersTimeoutMs, log) : server;
  front.listen(options.port, options.host);
  await once(front, "listening");
  const { port } = front.address() as AddressInfo;
  log.info({ port, host: options.host }, "data listener started");

  return {
    port,
    connections: () => tracker.count(),
    async drain(graceMs) {
      draining = true;
      front.close();
      if (front !== server) server.close();
      await drainConnections(tracker, { answering, upgraded, graceMs });
    },
  };
}
