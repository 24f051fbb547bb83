import { afterEach, describe, expect, it } from "vitest";

import { PassiveEjection } from "../../src/health/passive-ejection.ts";
import { forwardRequest, type ForwardRequest } from "../../src/upstream/forward.ts";
import { createUpstreams, type Upstreams } from "../../src/upstream/upstreams.ts";
import { poolOf, silentLog, waitFor } from "./support/pools.ts";
import { startOrigin, type TestOrigin } from "./support/start-origin.ts";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((close) => close()));
});

async function switchableOrigin(): Promise<{
  origin: TestOrigin;
  setHealthy(healthy: boolean): void;
  probes(): number;
}> {
  let healthy = true;
  let probes = 0;
  const origin = await startOrigin((req, res) => {
    if (req.url === "/healthz") probes++;
    res.statusCode = healthy ? 200 : 500;
    res.end();
  });
  cleanup.push(() => origin.kill());
  return { origin, setHealthy: (value) => (healthy = value), probes: () => probes };
}

function newUpstreams(): Upstreams {
  const upstreams = createUpstreams({ log: silentLog });
  cleanup.push(() => upstreams.close());
  return upstreams;
}

const request: ForwardRequest = {
  method: "GET",
  path: "/",
  headers: {},
  body: null,
  clientIp: "10.0.0.1",
};

async function statusOf(pool: Parameters<typeof forwardRequest>[0]): Promise<number> {
  const result = await forwardRequest(pool, request);
  for await (const _chunk of result.body);
  return result.statusCode;
}

function stateOf(upstreams: Upstreams, url: string): string | undefined {
  return upstreams.targetStates().find((status) => status.url === url)?.state;
}

describe("passive ejection", () => {
  it("ejects a target after consecutive failures and lets it rejoin after the cool-down", async () => {
    const failing = await switchableOrigin();
    const steady = await switchableOrigin();
    const upstreams = newUpstreams();
    const config = poolOf([failing.origin.url, steady.origin.url], {
      passiveEjection: { consecutiveFailures: 3, baseEjectionMs: 3_000, maxEjectionMs: 5_000 },
    });
    const pool = upstreams.compile([config]).get(config.id)!;
    failing.setHealthy(false);

    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push(await statusOf(pool));
    expect(statuses.filter((status) => status === 500)).toHaveLength(3);
    expect(stateOf(upstreams, failing.origin.url)).toBe("ejected");
    const receivedWhileEjected = failing.origin.received.length;
    for (let i = 0; i < 10; i++) expect(await statusOf(pool)).toBe(200);
    expect(failing.origin.received.length).toBe(receivedWhileEjected);

    failing.setHealthy(true);
    await waitFor(
      () => stateOf(upstreams, failing.origin.url) === "up",
      10_000,
      "the target to rejoin",
    );
    for (let i = 0; i < 10; i++) expect(await statusOf(pool)).toBe(200);
    expect(failing.origin.received.length).toBeGreaterThan(receivedWhileEjected);
  });

  it("keeps sending to ejected targets when passive ejection has taken every target out", async () => {
    const only = await switchableOrigin();
    const upstreams = newUpstreams();
    const config = poolOf([only.origin.url], {
      passiveEjection: { consecutiveFailures: 2, baseEjectionMs: 60_000, maxEjectionMs: 60_000 },
    });
    const pool = upstreams.compile([config]).get(config.id)!;
    only.setHealthy(false);

    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push(await statusOf(pool));
    expect(stateOf(upstreams, only.origin.url)).toBe("ejected");
    expect(statuses).toEqual([500, 500, 500, 500, 500]);
    expect(only.origin.received).toHaveLength(5);
  });

  it("resets the failure count on success", () => {
    let changes = 0;
    const ejection = new PassiveEjection(
      { consecutiveFailures: 3, baseEjectionMs: 100, maxEjectionMs: 1_000 },
      () => changes++,
    );
    for (let i = 0; i < 10; i++) {
      ejection.recordFailure(Date.now());
      ejection.recordFailure(Date.now());
      ejection.recordSuccess();
    }
    expect(ejection.ejected).toBe(false);
    expect(changes).toBe(0);
    ejection.close();
  });

  it("doubles the cool-down on repeat ejections, up to the maximum", async () => {
    const ejection = new PassiveEjection(
      { consecutiveFailures: 1, baseEjectionMs: 100, maxEjectionMs: 350 },
      () => undefined,
    );
    const coolDowns: number[] = [];
    for (let round = 0; round < 4; round++) {
      const now = Date.now();
      ejection.recordFailure(now);
      expect(ejection.ejected).toBe(true);
      coolDowns.push(ejection.ejectedUntil - now);
      await waitFor(() => !ejection.ejected, 2_000, "the cool-down to end");
    }
    expect(coolDowns).toEqual([100, 200, 350, 350]);
    ejection.close();
  });
});

describe("active probes", () => {
  it("makes a new target eligible at once and takes it out on its first failed probe", async () => {
    const target = await switchableOrigin();
    target.setHealthy(false);
    const upstreams = newUpstreams();
    const config = poolOf([target.origin.url], {
      healthCheck: {
        enabled: true,
        path: "/healthz",
        intervalMs: 100,
        timeoutMs: 500,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
    });
    const pool = upstreams.compile([config]).get(config.id)!;
    expect(stateOf(upstreams, target.origin.url)).toBe("up");
    await waitFor(
      () => stateOf(upstreams, target.origin.url) === "down",
      5_000,
      "the first failed probe",
    );
    expect(target.probes()).toBe(1);
    expect(upstreams.targetStates()[0]?.lastProbe).toMatchObject({ ok: false, detail: "HTTP 500" });
    await expect(forwardRequest(pool, request)).rejects.toMatchObject({
      code: "NO_HEALTHY_TARGET",
    });
  });

  it("applies the healthy and unhealthy thresholds once a target was confirmed", async () => {
    const target = await switchableOrigin();
    const upstreams = newUpstreams();
    const config = poolOf([target.origin.url], {
      healthCheck: {
        enabled: true,
        path: "/healthz",
        intervalMs: 100,
        timeoutMs: 500,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
    });
    upstreams.compile([config]);
    await waitFor(() => target.probes() >= 2, 5_000, "two healthy probes");

    target.setHealthy(false);
    const probesAtFailure = target.probes();
    await waitFor(
      () => stateOf(upstreams, target.origin.url) === "down",
      5_000,
      "the target to go down",
    );
    expect(target.probes() - probesAtFailure).toBeGreaterThanOrEqual(3);

    target.setHealthy(true);
    const probesAtRecovery = target.probes();
    await waitFor(
      () => stateOf(upstreams, target.origin.url) === "up",
      5_000,
      "the target to come back",
    );
    expect(target.probes() - probesAtRecovery).toBeGreaterThanOrEqual(2);
  });

  it("marks a probe that does not answer in time as failed", async () => {
    const silent = await startOrigin(() => undefined);
    cleanup.push(() => silent.kill());
    const upstreams = newUpstreams();
    const config = poolOf([silent.url], {
      healthCheck: {
        enabled: true,
        path: "/",
        intervalMs: 100,
        timeoutMs: 100,
        healthyThreshold: 1,
        unhealthyThreshold: 1,
      },
    });
    upstreams.compile([config]);
    await waitFor(() => stateOf(upstreams, silent.url) === "down", 5_000, "the probe to time out");
    expect(upstreams.targetStates()[0]?.lastProbe?.detail).toBe("timeout");
  });
});

describe("configured states", () => {
  it("reports disabled and draining targets and sends them nothing", async () => {
    const [disabled, draining, live] = await Promise.all([
      startOrigin(),
      startOrigin(),
      startOrigin(),
    ]);
    cleanup.push(
      () => disabled.kill(),
      () => draining.kill(),
      () => live.kill(),
    );
    const upstreams = newUpstreams();
    const config = poolOf([
      { url: disabled.url, enabled: false },
      { url: draining.url, draining: true },
      live.url,
    ]);
    const pool = upstreams.compile([config]).get(config.id)!;
    for (let i = 0; i < 10; i++) expect(await statusOf(pool)).toBe(200);
    expect(upstreams.targetStates().map((status) => status.state)).toEqual([
      "disabled",
      "draining",
      "up",
    ]);
    expect(disabled.received.length + draining.received.length).toBe(0);
    expect(live.received).toHaveLength(10);
  });
});
