/**
 * One benchmark origin, run as its own process: `/1k` and `/100k` are cacheable for 60 s and
 * carry an ETag, `/nostore` (1 KiB) must be fetched every time, `/healthz` answers health probes,
 * and `/stats` reports how many requests each path received and how many connections the proxies
 * opened. Prints "listening <port>" when up.
 *
 * The origins share two cores with the proxies and the load generator, so every request costs as
 * little as node:http allows: bodies and header lists are built once, headers are passed as flat
 * arrays, and request headers are read only where a conditional request is possible.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

interface Resource {
  requests: number;
  body: Buffer;
  headers: string[];
  /** Answer to a matching If-None-Match; absent for what may not be cached. */
  notModified?: { etag: string; headers: string[] };
}

function cacheable(bytes: number, etag: string): Resource {
  const cacheControl = "public, max-age=60";
  return {
    requests: 0,
    body: Buffer.alloc(bytes, "c"),
    headers: [
      "content-type",
      "application/octet-stream",
      "content-length",
      String(bytes),
      "cache-control",
      cacheControl,
      "etag",
      etag,
    ],
    notModified: { etag, headers: ["etag", etag, "cache-control", cacheControl] },
  };
}

function plain(body: string, contentType: string, extra: string[] = []): Resource {
  const bytes = Buffer.from(body);
  return {
    requests: 0,
    body: bytes,
    headers: ["content-type", contentType, "content-length", String(bytes.length), ...extra],
  };
}

const RESOURCES = new Map<string, Resource>([
  ["/1k", cacheable(1024, '"bench-1k"')],
  ["/100k", cacheable(100 * 1024, '"bench-100k"')],
  ["/nostore", plain("n".repeat(1024), "application/octet-stream", ["cache-control", "no-store"])],
  ["/healthz", plain("ok", "text/plain")],
]);
const NOT_FOUND_HEADERS = ["content-length", "0"];

let otherRequests = 0;
let notModified = 0;
/** Connections accepted, less the ones that asked for /stats (the benchmark's own, not a proxy's). */
let connections = 0;
const statsSockets = new WeakSet<Socket>();

function sendStats(req: IncomingMessage, res: ServerResponse): void {
  if (!statsSockets.has(req.socket)) {
    statsSockets.add(req.socket);
    connections--;
  }
  const counts: Record<string, number> = { other: otherRequests };
  for (const [path, resource] of RESOURCES) counts[path] = resource.requests;
  const json = JSON.stringify({ counts, notModified, connections });
  res.writeHead(200, ["content-type", "application/json", "content-length", String(Buffer.byteLength(json))]);
  res.end(json);
}

const server = createServer((req, res) => {
  const resource = RESOURCES.get(req.url ?? "/");
  if (resource === undefined) {
    if (req.url === "/stats") return sendStats(req, res);
    otherRequests++;
    res.writeHead(404, NOT_FOUND_HEADERS);
    res.end();
    return;
  }
  resource.requests++;
  if (resource.notModified !== undefined && req.headers["if-none-match"] === resource.notModified.etag) {
    notModified++;
    res.writeHead(304, resource.notModified.headers);
    res.end();
    return;
  }
  res.writeHead(200, resource.headers);
  res.end(resource.body);
});
server.on("connection", () => connections++);
// Longer than any proxy's idle keep-alive, so the proxies' pools decide when connections close.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
// A proxy's upstream connection carries requests back to back for the whole run.
server.maxRequestsPerSocket = 0;
server.requestTimeout = 0;

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", 1024, () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
