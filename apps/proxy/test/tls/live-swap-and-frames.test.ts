import { X509Certificate } from "node:crypto";
import type { TLSSocket } from "node:tls";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { snapshotOf, startOrigin, type Origin } from "../front/support.ts";
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

let origin: Origin;
let proxy: TlsProxy;
let oldCertificate: IssuedCertificate;
let newCertificate: IssuedCertificate;

const fingerprintOf = (issued: IssuedCertificate) =>
  new X509Certificate(issued.certificatePem).fingerprint256;

beforeAll(async () => {
  [oldCertificate, newCertificate] = await Promise.all([
    issueCertificate({ names: ["shop.test"] }),
    issueCertificate({ names: ["shop.test"] }),
  ]);
  origin = await startOrigin((req, res) => res.end(`origin ${req.url}`));
  proxy = await startTlsProxy({
    snapshot: snapshotOf([origin], [{ hosts: ["shop.test"] }]),
    certificates: [serving(oldCertificate, ["shop.test"], true)],
  });
});

afterAll(async () => {
  await proxy.close();
  await origin.close();
});

describe("certificate change while connections are open", () => {
  it("keeps the open connection on the old certificate and gives new handshakes the new one", async () => {
    const session = await connectHttp2(proxy.port);
    try {
      expect(
        (await h2Request(session, { ":path": "/before", ":authority": "shop.test" })).body,
      ).toBe("origin /before");

      proxy.store.replace([serving(newCertificate, ["shop.test"], true)]);

      const after = await h2Request(session, { ":path": "/after", ":authority": "shop.test" });
      expect(after.body).toBe("origin /after");
      expect(session.closed || session.destroyed).toBe(false);
      expect((session.socket as TLSSocket).getPeerCertificate().fingerprint256).toBe(
        fingerprintOf(oldCertificate),
      );

      expect(await servedFingerprint(proxy.port, "shop.test")).toBe(fingerprintOf(newCertificate));
      // No SNI: the new default replaced the server's own context too.
      expect(await servedFingerprint(proxy.port)).toBe(fingerprintOf(newCertificate));
    } finally {
      session.close();
    }
  });
});

describe("a listener started with no certificates", () => {
  it("refuses handshakes until a certificate is added, and again for other names once it is no longer the default", async () => {
    const empty = await startTlsProxy({
      snapshot: snapshotOf([origin], [{ hosts: ["shop.test"] }]),
      certificates: [],
    });
    try {
      await expect(handshake(empty.port, { servername: "shop.test" })).rejects.toThrow();
      empty.store.replace([serving(newCertificate, ["shop.test"], true)]);
      expect(await servedFingerprint(empty.port, "shop.test")).toBe(fingerprintOf(newCertificate));
      expect(await servedFingerprint(empty.port)).toBe(fingerprintOf(newCertificate));

      empty.store.replace([serving(newCertificate, ["shop.test"], false)]);
      expect(await servedFingerprint(empty.port, "shop.test")).toBe(fingerprintOf(newCertificate));
      await expect(handshake(empty.port, { servername: "unknown.test" })).rejects.toThrow();
      await expect(handshake(empty.port)).rejects.toThrow();
    } finally {
      await empty.close();
    }
  });
});

/** RFC 9113 §4.1: length (24 bits), type, flags, stream id. */
function frame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header.writeUInt8(type, 3);
  header.writeUInt8(flags, 4);
  header.writeUInt32BE(streamId, 5);
  return Buffer.concat([header, payload]);
}

/** RFC 7541 §6.2.2: a literal field without indexing, new name, no Huffman (short strings only). */
function literal(name: string, value: string): Buffer {
  return Buffer.concat([
    Buffer.from([0x00, name.length]),
    Buffer.from(name),
    Buffer.from([value.length]),
    Buffer.from(value),
  ]);
}

const HEADERS = 0x1;
const RST_STREAM = 0x3;
const SETTINGS = 0x4;
const END_STREAM_AND_HEADERS = 0x5;
const PROTOCOL_ERROR = 0x1;

/** Sends one hand-made HEADERS frame and reads frames until the server answers or resets stream 1 (or the deadline). */
async function sendRawHeaders(
  port: number,
  fields: Buffer,
): Promise<{ resetCode: number | undefined; sawHeaders: boolean }> {
  const socket = await handshake(port, { servername: "shop.test", ALPNProtocols: ["h2"] });
  // Indexed :method GET (2), :scheme https (7), :path / (4), then the literal fields.
  const block = Buffer.concat([Buffer.from([0x82, 0x87, 0x84]), fields]);
  socket.write(
    Buffer.concat([
      Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
      frame(SETTINGS, 0, 0, Buffer.alloc(0)),
      frame(HEADERS, END_STREAM_AND_HEADERS, 1, block),
    ]),
  );
  let buffered = Buffer.alloc(0);
  return new Promise((resolve) => {
    const result = { resetCode: undefined as number | undefined, sawHeaders: false };
    const finish = () => {
      clearTimeout(deadline);
      socket.destroy();
      resolve(result);
    };
    const deadline = setTimeout(finish, 2_000);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 9) {
        const length = buffered.readUIntBE(0, 3);
        if (buffered.length < 9 + length) break;
        const type = buffered.readUInt8(3);
        const streamId = buffered.readUInt32BE(5) & 0x7fffffff;
        if (streamId === 1 && (type === HEADERS || type === RST_STREAM)) {
          if (type === HEADERS) result.sawHeaders = true;
          else result.resetCode = buffered.readUInt32BE(9);
          finish();
          return;
        }
        buffered = buffered.subarray(9 + length);
      }
    });
    socket.once("close", finish);
  });
}

describe("HTTP/2 framing the proxy never passes on", () => {
  it("answers a well-formed hand-made request (the frames below are built right)", async () => {
    const answer = await sendRawHeaders(proxy.port, literal(":authority", "shop.test"));
    expect(answer).toEqual({ resetCode: undefined, sawHeaders: true });
  });

  it("resets a stream carrying a connection-specific header (RFC 9113 §8.2.2) before it is routed", async () => {
    const before = origin.seen.length;
    const answer = await sendRawHeaders(
      proxy.port,
      Buffer.concat([literal(":authority", "shop.test"), literal("connection", "keep-alive")]),
    );
    expect(answer).toEqual({ resetCode: PROTOCOL_ERROR, sawHeaders: false });
    expect(origin.seen.length).toBe(before);
  });

  it("resets a stream carrying Transfer-Encoding", async () => {
    const answer = await sendRawHeaders(
      proxy.port,
      Buffer.concat([literal(":authority", "shop.test"), literal("transfer-encoding", "chunked")]),
    );
    expect(answer.resetCode).toBe(PROTOCOL_ERROR);
  });
});
