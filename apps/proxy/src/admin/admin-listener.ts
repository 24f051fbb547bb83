/**
 * The admin port (127.0.0.1:9090 by default), served by the node's primary process:
 * GET /healthz (the process is alive), GET /readyz (serving a config: which revision, from
 * where, refused revisions, database state), GET /metrics (Prometheus text, all workers added
 * up). Anything else is 404.
 */
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServerResponse } from "node:http";

import type { Logger } from "../logger.ts";
import type { Readiness } from "./node-readiness.ts";

export interface AdminListener {
  port: number;
  close(): Promise<void>;
}

export async function startAdminListener(options: {
  host: string;
  port: number;
  readiness: () => Readiness;
  metrics: () => Promise<string>;
  log: Logger;
}): Promise<AdminListener> {
  const log = options.log.child({ component: "admin" });

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (req.method !== "GET" && req.method !== "HEAD") return sendJson(res, 405, { error: "method not allowed" });
    switch (path) {
      case "/healthz":
        return sendJson(res, 200, { status: "alive" });
      case "/readyz": {
        const readiness = options.readiness();
        return sendJson(res, readiness.ready ? 200 : 503, readiness);
      }
      case "/metrics":
        options.metrics().then(
          (text) => {
            res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
            res.end(text);
          },
          (error: unknown) => {
            log.error({ err: error }, "metrics collection failed");
            sendJson(res, 500, { error: "metrics unavailable" });
          },
        );
        return;
      default:
        return sendJson(res, 404, { error: "not found" });
    }
  });
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  server.listen(options.port, options.host);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  log.info({ host: options.host, port }, "admin listening");

  return {
    port,
    async close() {
      server.closeIdleConnections();
      const closed = once(server, "close");
      server.close();
      await closed;
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}
