/**
 * The web process: one node:http server that serves the Next.js app and socket.io on the same
 * port, so browsers use their session cookie on one origin and proxy nodes connect as clients.
 * Stops within a few seconds of SIGTERM/SIGINT: sockets, then the HTTP server, then the database.
 */
import { createServer } from "node:http";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

import next from "next";

import { stampClient } from "./src/auth/client-info.ts";
import { closeDb } from "./src/data/db.ts";
import { env } from "./src/env.ts";
import { log } from "./src/log.ts";
import { attachRealtime } from "./src/realtime/attach-realtime.ts";

const SHUTDOWN_DEADLINE_MS = 5_000;

const config = env();
const dev = config.NODE_ENV !== "production";
// The app directory is this file's, whether started from the repo root or from apps/web.
const app = next({ dev, dir: dirname(fileURLToPath(import.meta.url)) });
await app.prepare();
const handle = app.getRequestHandler();

const server = createServer((req, res) => {
  stampClient(req, config.CONCIERGE_TRUSTED_PROXIES);
  handle(req, res).catch((error: unknown) => {
    log.error({ err: error }, "request failed");
    if (!res.headersSent) res.writeHead(500).end();
  });
});

const realtime = attachRealtime(server, { publicOrigin: config.CONCIERGE_PUBLIC_URL, log });
if (dev) {
  const upgrade = app.getUpgradeHandler();
  server.on("upgrade", (req, socket, head) => {
    if (!req.url?.startsWith("/socket.io/")) void upgrade(req, socket, head);
  });
}

server.once("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EADDRINUSE") {
    process.stderr.write(
      `Port ${config.PORT} is already in use; stop the other process or set PORT to a free port.\n`,
    );
  } else {
    process.stderr.write(`The web server could not start: ${error.message}\n`);
  }
  process.exit(1);
});

server.listen(config.PORT, "0.0.0.0", () => {
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.PORT;
  log.info({ port, publicUrl: config.CONCIERGE_PUBLIC_URL, dev }, "listening");
});

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "shutting down");
  const deadline = setTimeout(() => {
    log.warn("shutdown deadline passed; closing remaining connections");
    server.closeAllConnections();
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS);
  deadline.unref();

  server.closeIdleConnections();
  await realtime.close(); // also closes the HTTP server once its connections end
  await app.close();
  await closeDb();
  clearTimeout(deadline);
  process.exit(0);
}

process.once("SIGTERM", (signal) => void shutdown(signal));
process.once("SIGINT", (signal) => void shutdown(signal));
