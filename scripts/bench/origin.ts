/**
 * One benchmark origin, run as its own process: `/1k` and `/100k` are cacheable for 60 s and
 * carry an ETag, `/nostore` (1 KiB) must be fetched every time, `/healthz` answers health probes,
 * and `/stats` reports how many requests each path received. Prints "listening <port>" when up.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

interface Resource {
  body: Buffer;
  headers: Record<string, string>;
  etag?: string;
}

function cacheable(bytes: number, etag: string): Resource {
  return {
    body: Buffer.alloc(bytes, "c"),
    etag,
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(bytes),
      "cache-control": "public, max-age=60",
      etag,
    },
  };
}

const RESOURCES: Record<string, Resource> = {
  "/1k": cacheable(1024, '"bench-1k"'),
  "/100k": cacheable(100 * 1024, '"bench-100k"'),
  "/nostore": {
    body: Buffer.alloc(1024, "n"),
    headers: { "content-type": "application/octet-stream", "content-length": "1024", "cache-control": "no-store" },
  },
  "/healthz": { body: Buffer.from("ok"), headers: { "content-type": "text/plain", "content-length": "2" } },
};

const counts: Record<string, number> = { "/1k": 0, "/100k": 0, "/nostore": 0, "/healthz": 0, other: 0 };
let notModified = 0;

function sendStats(res: ServerResponse): void {
  const json = JSON.stringify({ counts, notModified });
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}

const server = createServer((req, res) => {
  const path = req.url ?? "/";
  if (path === "/stats") return sendStats(res);
  const resource = RESOURCES[path];
  if (resource === undefined) {
    counts.other = (counts.other ?? 0) + 1;
    res.writeHead(404, { "content-length": "0" });
    res.end();
    return;
  }
  counts[path] = (counts[path] ?? 0) + 1;
  if (resource.etag !== undefined && req.headers["if-none-match"] === resource.etag) {
    notModified++;
    res.writeHead(304, { etag: resource.etag, "cache-control": resource.headers["cache-control"]! });
    res.end();
    return;
  }
  res.writeHead(200, resource.headers);
  res.end(resource.body);
});
// Longer than any proxy's idle keep-alive, so the proxies' pools decide when connections close.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
