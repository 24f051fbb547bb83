import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startAdminListener } from "../../src/admin/admin-listener.ts";
import type { AdminListener } from "../../src/admin/admin-listener.ts";
import type { Readiness } from "../../src/admin/node-readiness.ts";
import { createLogger } from "../../src/logger.ts";

let readiness: Readiness = {
  ready: false,
  revision: null,
  source: null,
  nodeId: "n1",
  database: "unreachable",
  workers: [],
};
let admin: AdminListener;
let base: string;

beforeAll(async () => {
  admin = await startAdminListener({
    host: "127.0.0.1",
    port: 0,
    readiness: () => readiness,
    metrics: () => Promise.resolve("concierge_workers 1\n"),
    log: createLogger({ level: "silent", nodeId: "n1", worker: "primary" }),
  });
  base = `http://127.0.0.1:${admin.port}`;
});
afterAll(() => admin.close());

describe("admin listener", () => {
  it("answers /healthz while alive", async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "alive" });
  });

  it("answers /readyz 503 without a config and 200 with one", async () => {
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    readiness = {
      ...readiness,
      ready: true,
      revision: 2,
      source: "database",
      database: "connected",
    };
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ready: true, revision: 2, nodeId: "n1" });
  });

  it("serves Prometheus text on /metrics and 404 elsewhere", async () => {
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await metrics.text()).toBe("concierge_workers 1\n");
    expect((await fetch(`${base}/admin`)).status).toBe(404);
  });
});
