import { describe, expect, it } from "vitest";

import { EnvError, parseEnv } from "../../src/env.ts";

describe("edge switches in the environment", () => {
  it("leaves PROXY protocol on the TLS port and certificate renewal off by default", () => {
    const env = parseEnv({});
    expect(env.tlsProxyProtocol).toBe(false);
    expect(env.certificateRenewal).toEqual({
      enabled: false,
      renewBeforeDays: 30,
      checkEveryMs: 3_600_000,
      validDays: 90,
    });
  });

  it("turns them on", () => {
    const env = parseEnv({
      PROXY_TLS_PROXY_PROTOCOL: "on",
      PROXY_CERTIFICATE_RENEWAL: "on",
      PROXY_RENEW_BEFORE_DAYS: "14",
      PROXY_RENEWAL_CHECK_MINUTES: "5",
    });
    expect(env.tlsProxyProtocol).toBe(true);
    expect(env.certificateRenewal).toMatchObject({
      enabled: true,
      renewBeforeDays: 14,
      checkEveryMs: 300_000,
    });
  });

  it("names the variable when a value is wrong", () => {
    expect(() => parseEnv({ PROXY_TLS_PROXY_PROTOCOL: "yes" })).toThrow(
      new EnvError("PROXY_TLS_PROXY_PROTOCOL must be on or off"),
    );
    expect(() => parseEnv({ PROXY_CERTIFICATE_RENEWAL: "1" })).toThrow(
      /^PROXY_CERTIFICATE_RENEWAL must be on or off$/,
    );
    expect(() => parseEnv({ PROXY_RENEW_BEFORE_DAYS: "soon" })).toThrow(
      /PROXY_RENEW_BEFORE_DAYS must be a number/,
    );
  });
});
