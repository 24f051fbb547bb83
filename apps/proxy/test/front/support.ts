import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";

import { ConfigSnapshotSchema, type ConfigSnapshot } from "@concierge/config/snapshot";
import { pino } from "pino";

import type { ListenerLimits } from "../../src/listener/data-listener.ts";
import { createProxyRuntime, startDataListener, type ProxyRuntime } from "../../src/runtime.ts";

export const PSEUDONYM = "concierge-test1";

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Origin {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** A real origin on 127.0.0.1:0 that records what reached it and answers with `respond`. */
export async function startOrigin(
  respond: (req: IncomingMessage, res: ServerResponse, body: string) => void = (_req, res) => res.end("ok"),
): Promise<Origin> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    // A request the proxy abandoned mid-body (a cut upload) never counts as seen.
    req.on("error", () => {});
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      respond(req, res, body);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

type RouteInput = Record<string, unknown> & { hosts?: string[]; pathPrefix?: string };

/** One pool per origin, each route naming its pool by index; active probes off so origins see only test traffic. */
export function snapshotOf(origins: readonly Origin[], routes: ReadonlyArray<RouteInput & { pool?: number }>): ConfigSnapshot {
  const pools = origins.map((origin, index) => ({
    id: randomUUID(),
    name: `pool-${index}`,
    targets: [{ id: randomUUID(), url: origin.url }],
    healthCheck: { enabled: false },
  }));
  return ConfigSnapshotSchema.parse({
    pools,
    routes: routes.map(({ pool = 0, ...route }, index) => ({
      id: randomUUID(),
      name: `route-${index}`,
      hosts: ["*"],
      poolId: pools[pool]?.id,
      ...route,
    })),
  });
}

export interface Proxy {
  runtime: ProxyRuntime;
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startProxy(
  options: {
    snapshot?: ConfigSnapshot;
    trustedProxies?: string[];
    limits?: Partial<ListenerLimits>;
    dashboardOrigin?: string;
  } = {},
): Promise<Proxy> {
  const log = pino({ level: "silent" });
  const runtime = createProxyRuntime({
    log,
    pseudonym: PSEUDONYM,
    cacheMaxBytes: 1_000_000,
    trustedProxies: options.trustedProxies ?? [],
    dashboardOrigin: options.dashboardOrigin,
  });
  if (options.snapshot) runtime.apply(options.snapshot, 1);
  const listener = await startDataListener({ port: 0, host: "127.0.0.1", runtime, log, limits: options.limits });
  return {
    runtime,
    port: listener.port,
    url: `http://127.0.0.1:${listener.port}`,
    async close() {
      await listener.drain(1_000);
      await runtime.close();
    },
  };
}

export interface RawExchange {
  /** Everything the proxy wrote before closing, or before the deadline. */
  text: string;
  /** True when the proxy closed the connection within the deadline. */
  closed: boolean;
}

/**
 * Writes `request` bytes on a raw socket and collects the answer until the proxy closes the
 * connection or `waitMs` passes (bounded: the test never hangs).
 */
export async function rawExchange(port: number, request: string, waitMs = 2_000): Promise<RawExchange> {
  const socket = connect(port, "127.0.0.1");
  socket.on("error", () => {});
  await once(socket, "connect");
  return exchangeOn(socket, request, waitMs);
}

/** `rawExchange` on a socket already connected (a TLS one, say). */
export async function exchangeOn(socket: Socket, request: string, waitMs = 2_000): Promise<RawExchange> {
  socket.on("error", () => {});
  let text = "";
  socket.setEncoding("latin1");
  socket.on("data", (chunk: string) => {
    text += chunk;
  });
  socket.write(request);
  const closed = await Promise.race([
    once(socket, "close").then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), waitMs).unref()),
  ]);
  socket.destroy();
  return { text, closed };
}

export function statusOf(exchange: RawExchange): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(exchange.text)?.[1] ?? 0);
}
