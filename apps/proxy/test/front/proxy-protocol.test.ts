import { once } from "node:events";
import { connect } from "node:net";

import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { DataListener } from "../../src/listener/data-listener.ts";
import { createProxyRuntime, startDataListener } from "../../src/runtime.ts";
import { PSEUDONYM, snapshotOf, startOrigin, type Origin } from "./support.ts";

let origin: Origin;
let listener: DataListener;
let close: () => Promise<void>;

beforeAll(async () => {
  origin = await startOrigin((_req, res, body) => res.end(`got ${body.length}`));
  const log = pino({ level: "silent" });
  const runtime = createProxyRuntime({ log, pseudonym: PSEUDONYM, cacheMaxBytes: 1_000_000, trustedProxies: [] });
  runtime.apply(snapshotOf([origin], [{ hosts: ["*"], pathPrefix: "/" }]), 1);
  listener = await startDataListener({ port: 0, host: "127.0.0.1", runtime, log, proxyProtocol: true });
  close = async () => {
    await listener.drain(1_000);
    await runtime.close();
  };
});
afterAll(async () => {
  await close();
  await origin.close();
});

/** Writes each part separately (as a balancer may) and collects the answer until the proxy closes. */
async function exchange(parts: (string | Buffer)[]): Promise<string> {
  const socket = connect(listener.port, "127.0.0.1");
  await once(socket, "connect");
  let answer = "";
  socket.setEncoding("latin1");
  socket.on("data", (chunk: string) => (answer += chunk));
  socket.on("error", () => {});
  for (const part of parts) socket.write(part);
  await once(socket, "close");
  return answer;
}

const request = "POST /x HTTP/1.1\r\nHost: shop.example\r\nContent-Length: 5\r\nConnection: close\r\n\r\n";

describe("the data port behind a PROXY protocol balancer", () => {
  it("takes the client address from a v1 header sent with the request", async () => {
    const answer = await exchange([`PROXY TCP4 203.0.113.7 10.0.0.1 51000 80\r\n${request}hello`]);
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain("got 5");
    expect(origin.seen.at(-1)?.headers["x-forwarded-for"]).toBe("203.0.113.7");
  });

  it("takes it from a v2 header sent apart from the request and its body", async () => {
    const signature = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];
    const header = Buffer.from([...signature, 0x21, 0x11, 0x00, 0x0c, 198, 51, 100, 9, 10, 0, 0, 1, 0xc3, 0x50, 0x00, 0x50]);
    const answer = await exchange([header, request, "hello"]);
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(origin.seen.at(-1)?.headers["x-forwarded-for"]).toBe("198.51.100.9");
  });

  it("closes a connection that does not start with a PROXY header", async () => {
    const seenBefore = origin.seen.length;
    const answer = await exchange([`${request}hello`]);
    expect(answer).toBe("");
    expect(origin.seen).toHaveLength(seenBefore);
  });
});
