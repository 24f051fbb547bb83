import { randomUUID } from "node:crypto";
import { networkInterfaces } from "node:os";

import { ConfigSnapshotSchema, type ConfigSnapshot } from "@concierge/config/snapshot";
import fc from "fast-check";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";

import { ConfigCompileError, createProxyRuntime } from "../../src/runtime.ts";

// The Via loop (a request carrying our own pseudonym → 508) is covered in front/requests.test.ts;
// this refuses the configuration that would cause it, before any request does.
const DATA_PORT = 18_080;
const ADMIN_PORT = 19_090;

const runtime = createProxyRuntime({
  log: pino({ level: "silent" }),
  pseudonym: "concierge-loop",
  cacheMaxBytes: 1_000_000,
  trustedProxies: [],
  ownPorts: [DATA_PORT, ADMIN_PORT],
});
afterAll(() => runtime.close());

function snapshotWithTargets(urls: readonly string[]): ConfigSnapshot {
  return ConfigSnapshotSchema.parse({
    pools: [
      {
        id: randomUUID(),
        name: "pool",
        healthCheck: { enabled: false },
        targets: urls.map((url) => ({ id: randomUUID(), url })),
      },
    ],
    routes: [],
  });
}

let revision = 0;
function apply(urls: readonly string[]): void {
  revision += 1;
  runtime.apply(snapshotWithTargets(urls), revision);
}

const LOOPBACK_SPELLINGS = [
  "127.0.0.1",
  "127.9.8.7",
  "localhost",
  "LOCALHOST",
  "api.localhost",
  "0.0.0.0",
  "127.1",
  "2130706433",
  "0x7f.0.0.1",
  "[::1]",
  "[0:0:0:0:0:0:0:1]",
  "[::ffff:127.0.0.1]",
  "[::]",
];

describe("a target that is this node itself", () => {
  it("is refused, naming pools[i].targets[j].url, and the previous config stays", () => {
    apply(["http://127.0.0.1:9001"]);
    const before = runtime.current();
    expect(() => apply(["http://127.0.0.1:9002", `http://127.0.0.1:${DATA_PORT}`])).toThrow(
      ConfigCompileError,
    );
    expect(() => apply(["http://127.0.0.1:9002", `http://127.0.0.1:${DATA_PORT}`])).toThrow(
      /^pools\[0\]\.targets\[1\]\.url: /,
    );
    expect(runtime.current()).toBe(before);
  });

  it("is refused however the loopback address is spelled, on the data or the admin port", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LOOPBACK_SPELLINGS),
        fc.constantFrom(DATA_PORT, ADMIN_PORT),
        (host, port) => {
          expect(() => apply([`http://${host}:${port}/`]), `${host}:${port}`).toThrow(
            /targets\[0\]\.url/,
          );
        },
      ),
      { numRuns: 60, seed: 20_261_125 },
    );
  });

  it("is refused at one of this machine's own interface addresses", () => {
    const own = Object.values(networkInterfaces())
      .flatMap((entries) => entries ?? [])
      .find((entry) => entry.family === "IPv4" && !entry.internal);
    const address = own?.address ?? "127.0.0.1";
    expect(() => apply([`http://${address}:${ADMIN_PORT}`])).toThrow(ConfigCompileError);
  });

  it("is refused on the scheme's default port when this node listens there", () => {
    const onPort80 = createProxyRuntime({
      log: pino({ level: "silent" }),
      pseudonym: "concierge-loop",
      cacheMaxBytes: 1_000_000,
      trustedProxies: [],
      ownPorts: [80],
    });
    expect(() => onPort80.apply(snapshotWithTargets(["http://localhost"]), 1)).toThrow(
      /it would loop/,
    );
    return onPort80.close();
  });

  it("is allowed on other ports of loopback and on other hosts at our port numbers", () => {
    expect(() =>
      apply([
        `http://127.0.0.1:${DATA_PORT + 1}`,
        `http://192.0.2.10:${DATA_PORT}`,
        `http://origin.example:${ADMIN_PORT}`,
      ]),
    ).not.toThrow();
    expect(runtime.current()?.revision).toBe(revision);
  });
});
