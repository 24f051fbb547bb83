import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { EnvError, parseEnv, resolveNodeId } from "../../src/env.ts";

describe("parseEnv", () => {
  it("applies the documented defaults to an empty environment", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      databaseUrl: undefined,
      port: 8080,
      host: "0.0.0.0",
      tlsPort: 8443,
      adminPort: 9090,
      adminHost: "127.0.0.1",
      workers: 1,
      webUrl: "http://127.0.0.1:3000",
      trustedProxies: [],
      cacheMaxBytes: 256 * 1024 * 1024,
      shutdownGraceMs: 10_000,
      logLevel: "info",
    });
    expect(env.dataDir).toBe(path.resolve(".concierge"));
  });

  it("reads workers as a number or auto, and trusted proxies as a list", () => {
    expect(parseEnv({ PROXY_WORKERS: "3" }).workers).toBe(3);
    expect(parseEnv({ PROXY_WORKERS: "auto" }).workers).toBeGreaterThanOrEqual(1);
    expect(parseEnv({ CONCIERGE_TRUSTED_PROXIES: "10.0.0.1, 10.1.0.0/16,::1" }).trustedProxies).toEqual([
      "10.0.0.1",
      "10.1.0.0/16",
      "::1",
    ]);
  });

  it("reads the TLS port as a port or off", () => {
    expect(parseEnv({ PROXY_TLS_PORT: "9443" }).tlsPort).toBe(9443);
    expect(parseEnv({ PROXY_TLS_PORT: "off" }).tlsPort).toBe("off");
    expect(() => parseEnv({ PROXY_TLS_PORT: "on" })).toThrow(EnvError);
    expect(parseEnv({}).proxyProtocol).toBe(false);
    expect(parseEnv({ PROXY_PROTOCOL: "on" }).proxyProtocol).toBe(true);
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", PROXY_PORT: "" })).toMatchObject({ databaseUrl: undefined, port: 8080 });
  });

  it.each([
    [{ PROXY_PORT: "http" }, /^PROXY_PORT /],
    [{ PROXY_ADMIN_PORT: "70000" }, /^PROXY_ADMIN_PORT /],
    [{ PROXY_WORKERS: "many" }, /^PROXY_WORKERS /],
    [{ CONCIERGE_TRUSTED_PROXIES: "10.0.0.1,proxy.local" }, /^CONCIERGE_TRUSTED_PROXIES .*proxy\.local/],
    [{ DATABASE_URL: "mysql://x" }, /^DATABASE_URL /],
    [{ LOG_LEVEL: "loud" }, /^LOG_LEVEL /],
    [{ PROXY_SHUTDOWN_GRACE_MS: "-1" }, /^PROXY_SHUTDOWN_GRACE_MS /],
  ])("refuses %o with one sentence naming the variable", (source, message) => {
    expect(() => parseEnv(source)).toThrow(EnvError);
    expect(() => parseEnv(source)).toThrow(message);
  });
});

describe("resolveNodeId", () => {
  it("keeps a generated id in the data folder and returns it on the next start", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "concierge-node-id-"));
    try {
      const env = parseEnv({ CONCIERGE_DATA_DIR: dataDir });
      const first = resolveNodeId(env);
      expect(first).toMatch(/^[0-9a-f-]{36}$/);
      expect((await readFile(path.join(dataDir, "node-id"), "utf8")).trim()).toBe(first);
      expect(resolveNodeId(env)).toBe(first);
      expect(resolveNodeId(parseEnv({ CONCIERGE_DATA_DIR: dataDir, PROXY_NODE_ID: "edge-1" }))).toBe("edge-1");
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
