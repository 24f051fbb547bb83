import { request as httpRequest, STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Duplex } from "node:stream";

import type { ProxyError } from "../errors.ts";
import type { TargetRuntime } from "./target-runtime.ts";
import { toUpstreamFailure } from "./undici-errors.ts";
import { toUpstreamPool } from "./upstream-pool.ts";
import type { CompiledPool } from "./upstreams.ts";

/**
 * WebSocket upgrade (RFC 6455 §4): opens the upgrade on a target with node:http, relays the 101
 * and then pipes both sockets until either side closes. Only `Upgrade: websocket` is tunnelled.
 * A failed connect tries another target, as a GET that sent nothing may; afterwards the tunnel
 * is opaque. While open it counts as one in-flight request of its target.
 */
export function forwardUpgrade(
  pool: CompiledPool,
  req: IncomingMessage,
  clientSocket: Duplex,
  head: Buffer,
  headers: IncomingHttpHeaders,
): void {
  if (String(req.headers.upgrade).toLowerCase() !== "websocket") {
    writeStatus(clientSocket, 400);
    return;
  }
  const upstream = toUpstreamPool(pool);
  const input = { clientIp: req.socket.remoteAddress ?? "", headers: req.headers };
  const upgradeHeaders = { ...headers, connection: "Upgrade", upgrade: "websocket" };
  const tried = new Set<TargetRuntime>();
  clientSocket.on("error", () => clientSocket.destroy());

  const attempt = (): void => {
    const target = upstream.balancer.pick(upstream.eligible(), input, tried);
    if (!target) {
      writeStatus(clientSocket, tried.size === 0 ? 503 : 502);
      return;
    }
    tried.add(target);
    target.requests++;
    target.inFlight++;
    const url = new URL(target.url);
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const upstreamRequest = send({
      host: url.hostname,
      port: url.port,
      method: "GET",
      path: target.basePath + (req.url ?? "/"),
      headers: upgradeHeaders,
      timeout: target.connectMs,
    });

    let answered = false;
    upstreamRequest.once("timeout", () => upstreamRequest.destroy(Object.assign(new Error("upgrade timed out"), { code: "ETIMEDOUT" })));
    upstreamRequest.once("upgrade", (response, upstreamSocket, upstreamHead) => {
      answered = true;
      target.health.recordSuccess();
      upstreamSocket.setTimeout(0);
      clientSocket.write(statusLine(101, response.statusMessage) + rawHeaderLines(response.rawHeaders) + "\r\n");
      if (upstreamHead.length > 0) clientSocket.write(upstreamHead);
      if (head.length > 0) upstreamSocket.write(head);
      let released = false;
      const close = (): void => {
        if (!released) {
          released = true;
          target.release();
        }
        upstreamSocket.destroy();
        clientSocket.destroy();
      };
      upstreamSocket.on("error", close).on("close", close);
      clientSocket.on("error", close).on("close", close);
      upstreamSocket.pipe(clientSocket);
      clientSocket.pipe(upstreamSocket);
    });
    upstreamRequest.once("response", (response) => {
      // The target declined the upgrade: relay its answer as it is.
      answered = true;
      target.release();
      clientSocket.write(statusLine(response.statusCode ?? 502, response.statusMessage) + rawHeaderLines(response.rawHeaders) + "\r\n");
      response.pipe(clientSocket);
    });
    upstreamRequest.once("error", (error) => {
      if (answered) return;
      target.release();
      const failure = toUpstreamFailure(error, clientSocket.destroyed);
      if (failure.kind === "client") return;
      target.health.recordFailure();
      if (failure.kind === "connect" && tried.size <= upstream.retryAttempts) attempt();
      else writeError(clientSocket, failure.error);
    });
    upstreamRequest.end();
  };
  attempt();
}

function statusLine(status: number, message: string | undefined): string {
  return `HTTP/1.1 ${status} ${message ?? STATUS_CODES[status] ?? ""}\r\n`;
}

function rawHeaderLines(rawHeaders: readonly string[]): string {
  let lines = "";
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    lines += `${rawHeaders[index]}: ${rawHeaders[index + 1]}\r\n`;
  }
  return lines;
}

function writeError(socket: Duplex, error: ProxyError): void {
  writeStatus(socket, error.status, error.publicMessage);
}

function writeStatus(socket: Duplex, status: number, message = STATUS_CODES[status] ?? ""): void {
  if (socket.destroyed) return;
  const body = `${message}\n`;
  socket.end(
    `${statusLine(status, undefined)}Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
