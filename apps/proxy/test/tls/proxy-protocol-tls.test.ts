import { once } from "node:events";
import { connect as connectH2 } from "node:http2";
import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PSEUDONYM, snapshotOf, startOrigin, type Origin } from "../front/support.ts";
import { issueCertificate } from "./support/issue-certificate.ts";
import { h2Request, serving, startTlsProxy, type TlsProxy } from "./support/tls-proxy.ts";

let origin: Origin;
let proxy: TlsProxy;

beforeAll(async () => {
  origin = await startOrigin((req, res) => res.end(`hello ${req.url}`));
  proxy = await startTlsProxy({
    snapshot: snapshotOf(
      [origin],
      [
        { hosts: ["shop.test"] },
        { hosts: ["denied.test"], policies: { access: { deny: ["203.0.113.0/24"] } } },
      ],
    ),
    certificates: [
      serving(
        await issueCertificate({ names: ["shop.test", "denied.test"] }),
        ["shop.test", "denied.test"],
        true,
      ),
    ],
    proxyProtocol: true,
  });
});

afterAll(async () => {
  await proxy.close();
  await origin.close();
});

const V2_SIGNATURE = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];

const HEADERS = {
  v1: (address: string) => Buffer.from(`PROXY TCP4 ${address} 10.0.0.1 51000 443\r\n`),
  v2: (address: string) =>
    Buffer.from([
      ...V2_SIGNATURE,
      0x21,
      0x11,
      0x00,
      0x0c,
      ...address.split(".").map(Number),
      10,
      0,
      0,
      1,
      0xc7,
      0x38,
      0x01,
      0xbb,
    ]),
};

/** A TCP connection to the TLS port that has sent its PROXY header, as a balancer's would. */
async function balancerConnection(header: Buffer): Promise<Socket> {
  const socket = connectTcp(proxy.port, "127.0.0.1");
  await once(socket, "connect");
  socket.write(header);
  return socket;
}

/** One HTTP/1.1 request over TLS on a proxied connection; resolves with the raw answer once the proxy closes. */
async function http1Over(header: Buffer, host: string): Promise<string> {
  const tls = connectTls({
    socket: await balancerConnection(header),
    servername: host,
    rejectUnauthorized: false,
    ALPNProtocols: ["http/1.1"],
  });
  await once(tls, "secureConnect");
  let answer = "";
  tls.setEncoding("latin1");
  tls.on("data", (chunk: string) => (answer += chunk));
  tls.write(`GET /one HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  await once(tls, "close");
  return answer;
}

async function http2Over(header: Buffer, authority: string) {
  const raw = await balancerConnection(header);
  const session = connectH2(`https://${authority}`, {
    createConnection: () =>
      connectTls({
        socket: raw,
        servername: authority,
        rejectUnauthorized: false,
        ALPNProtocols: ["h2"],
      }),
  });
  session.on("error", () => {});
  try {
    return await h2Request(session, { ":path": "/two", ":authority": authority });
  } finally {
    session.close();
  }
}

describe.each(Object.entries(HEADERS))(
  "the TLS port behind a PROXY protocol %s balancer",
  (_version, headerFor) => {
    it("forwards the named client over HTTP/1.1", async () => {
      const answer = await http1Over(headerFor("198.51.100.7"), "shop.test");
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(answer).toContain("hello /one");
      const seen = origin.seen.at(-1);
      expect(seen?.headers["x-forwarded-for"]).toBe("198.51.100.7");
      expect(seen?.headers["forwarded"]).toContain("for=198.51.100.7");
      expect(seen?.headers["via"]).toContain(PSEUDONYM);
    });

    it("forwards the named client over HTTP/2", async () => {
      const answer = await http2Over(headerFor("198.51.100.8"), "shop.test");
      expect(answer.headers[":status"]).toBe(200);
      expect(answer.body).toBe("hello /two");
      expect(origin.seen.at(-1)?.headers["x-forwarded-for"]).toBe("198.51.100.8");
    });

    it("applies the route's access list to the named client, not the balancer", async () => {
      const seenBefore = origin.seen.length;
      expect(await http1Over(headerFor("203.0.113.9"), "denied.test")).toMatch(/^HTTP\/1\.1 403 /);
      expect((await http2Over(headerFor("203.0.113.9"), "denied.test")).headers[":status"]).toBe(
        403,
      );
      expect(origin.seen).toHaveLength(seenBefore);
      expect(await http1Over(headerFor("198.51.100.9"), "denied.test")).toMatch(/^HTTP\/1\.1 200 /);
    });
  },
);

describe("the TLS port with PROXY protocol on", () => {
  it("closes a connection that starts the TLS handshake without a PROXY header", async () => {
    const tls = connectTls({
      host: "127.0.0.1",
      port: proxy.port,
      servername: "shop.test",
      rejectUnauthorized: false,
    });
    const outcome = await new Promise<string>((resolve) => {
      tls.once("secureConnect", () => resolve("handshake"));
      tls.once("error", () => resolve("refused"));
    });
    tls.destroy();
    expect(outcome).toBe("refused");
  });
});
