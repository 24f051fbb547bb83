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
