import { X509Certificate } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PSEUDONYM, snapshotOf, startOrigin, type Origin } from "../front/support.ts";
import { issueCertificate, type IssuedCertificate } from "./support/issue-certificate.ts";
import {
  connectHttp2,
  h2Request,
  handshake,
  servedFingerprint,
  serving,
  startTlsProxy,
  type TlsProxy,
} from "./support/tls-proxy.ts";

let shop: Origin;
let other: Origin;
/** Answers every upgrade with 101 and echoes what follows. */
let echo: Server;
let proxy: TlsProxy;
let shopCertificate: IssuedCertificate;
let wildcardCertificate: IssuedCertificate;
let defaultCertificate: IssuedCertificate;

const fingerprintOf = (issued: IssuedCertificate) =>
  new X509Certificate(issued.certificatePem).fingerprint256;

beforeAll(async () => {
  [shopCertificate, wildcardCertificate, defaultCertificate] = await Promise.all([
    issueCertificate({ names: ["shop.test"] }),
    issueCertificate({ names: ["*.apps.test"] }),
    issueCertificate({ names: ["default.test"] }),
  ]);
  shop = await startOrigin((req, res) => {
    res.setHeader("cache-control", req.url?.startsWith("/cached") ? "max-age=60" : "no-store");
    res.end(`shop ${req.url}`);
  });
  other = await startOrigin((req, res) => res.end(`other ${req.url}`));
  echo = createServer();
  echo.on("upgrade", (_req: IncomingMessage, socket: Duplex) => {
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
    );
    socket.pipe(socket);
  });
  echo.listen(0, "127.0.0.1");
  await once(echo, "listening");
  const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  proxy = await startTlsProxy({
    snapshot: snapshotOf(
      [shop, other, { url: echoUrl, seen: [], close: () => Promise.resolve() }],
      [
        { hosts: ["shop.test"], pool: 0, cache: { enabled: true } },
        { hosts: ["other.test"], pool: 1 },
        { hosts: ["small.test"], pool: 1, maxBodyBytes: 16 },
        { hosts: ["ws.test"], pool: 2 },
      ],
    ),
    certificates: [
      serving(shopCertificate, ["shop.test"]),
      serving(wildcardCertificate, ["*.apps.test"]),
      serving(defaultCertificate, ["default.test"], true),
    ],
  });
});

afterAll(async () => {
  await proxy.close();
  echo.closeAllConnections();
  await Promise.all([shop.close(), other.close(), new Promise((resolve) => echo.close(resolve))]);
});

describe("certificate selection by SNI", () => {
  it("serves the certificate of the exact name", async () => {
    expect(await servedFingerprint(proxy.port, "shop.test")).toBe(fingerprintOf(shopCertificate));
    expect(await servedFingerprint(proxy.port, "SHOP.test")).toBe(fingerprintOf(shopCertificate));
  });

  it("serves a wildcard certificate for one label under its domain only", async () => {
    expect(await servedFingerprint(proxy.port, "a.apps.test")).toBe(
      fingerprintOf(wildcardCertificate),
    );
    expect(await servedFingerprint(proxy.port, "a.b.apps.test")).toBe(
      fingerprintOf(defaultCertificate),
    );
    expect(await servedFingerprint(proxy.port, "apps.test")).toBe(
      fingerprintOf(defaultCertificate),
    );
  });

  it("serves the default certificate to unknown names and to clients sending no SNI", async () => {
    expect(await servedFingerprint(proxy.port, "unknown.test")).toBe(
      fingerprintOf(defaultCertificate),
    );
    expect(await servedFingerprint(proxy.port)).toBe(fingerprintOf(defaultCertificate));
  });

  it("refuses TLS 1.1 and offers h2 and http/1.1 by ALPN", async () => {
    const refused = handshake(proxy.port, {
      servername: "shop.test",
      minVersion: "TLSv1",
      maxVersion: "TLSv1.1",
      ciphers: "DEFAULT@SECLEVEL=0",
    });
    await expect(refused).rejects.toThrow(/protocol version|unsupported protocol/i);

    const h2 = await handshake(proxy.port, { servername: "shop.test", ALPNProtocols: ["h2"] });
    expect(h2.alpnProtocol).toBe("h2");
    expect(h2.getProtocol()).toMatch(/^TLSv1\.[23]$/);
    h2.destroy();
  });
});

describe("HTTP/2", () => {
  it("routes by :authority, proxies to the origin and caches with Cache-Status", async () => {
    const session = await connectHttp2(proxy.port);
    try {
      const before = shop.seen.length;
      const first = await h2Request(session, { ":path": "/cached/a", ":authority": "shop.test" });
      expect(first.headers[":status"]).toBe(200);
      expect(first.body).toBe("shop /cached/a");
      expect(first.headers["cache-status"]).toBe("concierge; fwd=uri-miss; stored");

      const second = await h2Request(session, { ":path": "/cached/a", ":authority": "shop.test" });
      expect(second.body).toBe("shop /cached/a");
      expect(second.headers["cache-status"]).toMatch(/^concierge; hit/);
      expect(second.headers["age"]).toBeDefined();
      expect(shop.seen.length).toBe(before + 1);

      const seen = shop.seen.at(-1);
      expect(seen?.headers.host).toBe("shop.test");
      expect(Object.keys(seen?.headers ?? {}).some((name) => name.startsWith(":"))).toBe(false);
    } finally {
      session.close();
    }
  });

  it("sends X-Forwarded-Proto: https to the origin", async () => {
    const session = await connectHttp2(proxy.port);
    try {
      await h2Request(session, { ":path": "/proto", ":authority": "shop.test" });
      const seen = shop.seen.find((request) => request.url === "/proto");
      expect(seen?.headers["x-forwarded-proto"]).toBe("https");
      expect(seen?.headers["forwarded"]).toContain("proto=https");
    } finally {
      session.close();
    }
  });

  it("streams a request body without Content-Length to the origin", async () => {
    const session = await connectHttp2(proxy.port);
    try {
      const answer = await h2Request(
        session,
        { ":path": "/upload", ":method": "POST", ":authority": "other.test" },
        "payload",
      );
      expect(answer.headers[":status"]).toBe(200);
      expect(other.seen.find((request) => request.url === "/upload")?.body).toBe("payload");
    } finally {
      session.close();
    }
  });

  it("holds HTTP/2 bodies to the route's limit, declared or streamed", async () => {
    const session = await connectHttp2(proxy.port);
    try {
      const big = "x".repeat(64);
      const declared = await h2Request(
        session,
        {
          ":path": "/declared",
          ":method": "POST",
          ":authority": "small.test",
          "content-length": String(big.length),
        },
        big,
      );
      expect(declared.headers[":status"]).toBe(413);
      const streamed = await h2Request(
        session,
        { ":path": "/streamed", ":method": "POST", ":authority": "small.test" },
        big,
      );
      expect(streamed.headers[":status"]).toBe(413);
      expect(
        other.seen.some((request) => request.url === "/declared" || request.url === "/streamed"),
      ).toBe(false);
    } finally {
      session.close();
    }
  });

  it("routes by :authority when a Host header disagrees with it", async () => {
    const session = await connectHttp2(proxy.port);
    try {
      const answer = await h2Request(session, {
        ":path": "/which",
        ":authority": "other.test",
        host: "shop.test",
      });
      expect(answer.body).toBe("other /which");
    } finally {
      session.close();
    }
  });

  it("refuses a request carrying its own Via pseudonym with 508", async () => {
    const session = await connectHttp2(proxy.port);
    try {
      const answer = await h2Request(session, {
        ":path": "/loop",
        ":authority": "shop.test",
        via: `1.1 ${PSEUDONYM}`,
      });
      expect(answer.headers[":status"]).toBe(508);
      expect(shop.seen.some((request) => request.url === "/loop")).toBe(false);
    } finally {
      session.close();
    }
  });

  it("answers 404 for a host no route matches, without a connection header", async () => {
    const session = await connectHttp2(proxy.port);
    try {
      const answer = await h2Request(session, { ":path": "/", ":authority": "nowhere.test" });
      expect(answer.headers[":status"]).toBe(404);
      expect(answer.headers["connection"]).toBeUndefined();
    } finally {
      session.close();
    }
  });
});

describe("HTTP/1.1 over TLS", () => {
  function get(path: string, host: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: "127.0.0.1",
          port: proxy.port,
          path,
          servername: "shop.test",
          headers: { host },
          rejectUnauthorized: false,
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
        },
      );
      req.on("error", reject);
      req.end();
    });
  }

  it("serves HTTP/1.1 clients on the same port", async () => {
    const answer = await get("/plain", "other.test");
    expect(answer).toEqual({ status: 200, body: "other /plain" });
    expect(
      other.seen.find((request) => request.url === "/plain")?.headers["x-forwarded-proto"],
    ).toBe("https");
  });

  it("pipes a WebSocket upgrade through to the origin", async () => {
    const socket = await handshake(proxy.port, { servername: "other.test" });
    try {
      socket.write(
        "GET /socket HTTP/1.1\r\nHost: ws.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
          "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
      );
      const [head] = (await once(socket, "data")) as [Buffer];
      expect(head.toString()).toMatch(/^HTTP\/1\.1 101/);
      socket.write("ping");
      const [echo] = (await once(socket, "data")) as [Buffer];
      expect(echo.toString()).toBe("ping");
    } finally {
      socket.destroy();
    }
  });

  it("routes an absolute-form target by its authority, not Host", async () => {
    const socket = await handshake(proxy.port, { servername: "shop.test" });
    socket.write(
      "GET https://other.test/absolute HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n",
    );
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    await once(socket, "end");
    const text = Buffer.concat(chunks).toString();
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    expect(text).toContain("other /absolute");
  });
});
