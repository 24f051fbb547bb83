/**
 * One worker process of a node: database → runtime → config sync → data listener. Closers
 * run in reverse on SIGTERM/SIGINT or when the primary goes away, so in-flight requests drain
 * before the config sync and the database close.
 */
import { createDb } from "@concierge/db/client";

import { createChallengeResponder } from "./acme/challenge-responder.ts";
import { serveRenewals } from "./acme/serve-renewals.ts";
import { answerQuestions } from "./admin/answer-questions.ts";
import { reportToPrimary, reportTraffic } from "./admin/worker-report.ts";
import { resolvePseudonym } from "./config/pseudonym.ts";
import { startPurgeListener } from "./config/watch-purges.ts";
import { startConfigSync } from "./config/watch-revisions.ts";
import type { ProxyEnv } from "./env.ts";
import { resolveNodeId } from "./env.ts";
import { createLifecycle } from "./lifecycle.ts";
import { createLogger } from "./logger.ts";
import { createIntervalReader } from "./metrics/interval-reader.ts";
import { createProxyRuntime, startDataListener } from "./runtime.ts";
import { serveTls } from "./tls/serve-tls.ts";

export async function runWorker(env: ProxyEnv): Promise<void> {
  const nodeId = resolveNodeId(env);
  const log = createLogger({ level: env.logLevel, nodeId, worker: env.workerSlot ?? 1 });
  const lifecycle = createLifecycle(log);
  const stop = (reason: string) => {
    log.info({ reason }, "worker stopping");
    void lifecycle.shutdown().then(() => process.exit(0));
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("disconnect", () => stop("primary gone"));

  const db = env.databaseUrl === undefined ? undefined : createDb({ url: env.databaseUrl, maxConnections: 2 });
  if (db) lifecycle.defer("database", () => db.$disconnect());

  const pseudonym = await resolvePseudonym({ db, dataDir: env.dataDir, nodeId });
  const runtime = createProxyRuntime({
    log,
    pseudonym,
    cacheMaxBytes: env.cacheMaxBytes,
    trustedProxies: env.trustedProxies,
    workers: env.workers,
    metricsEnabled: env.metricsEnabled,
    samples: env.samples,
    dashboardOrigin: new URL(env.webUrl).origin,
    ownPorts: [env.port, env.adminPort, ...(env.tlsPort === "off" ? [] : [env.tlsPort])],
  });
  lifecycle.defer("runtime", () => runtime.close());

  const sync = await startConfigSync({
    db,
    databaseUrl: env.databaseUrl,
    runtime,
    dataDir: env.dataDir,
    pseudonym,
    log,
  });
  lifecycle.defer("config sync", () => sync.stop());

  const purges = await startPurgeListener({ databaseUrl: env.databaseUrl, cache: runtime.cache, log });
  lifecycle.defer("purge listener", () => purges.close());

  const traffic = createIntervalReader({ registry: runtime.metrics, targetStates: () => runtime.targetStates(), config: runtime });
  const stopTraffic = reportTraffic(() => traffic.take());
  lifecycle.defer("traffic report", () => stopTraffic());

  const challenges = createChallengeResponder();
  const listener = await startDataListener({
    port: env.port,
    host: env.host,
    runtime,
    log,
    proxyProtocol: env.proxyProtocol,
    challenges,
  });
  lifecycle.defer("data listener", () => listener.drain(env.shutdownGraceMs));
  log.info({ host: env.host, port: listener.port, revision: sync.status().revision }, "data listening");
  reportToPrimary({ sync, metrics: runtime.metrics });
  answerQuestions({ nodeId, worker: env.workerSlot ?? 1, current: () => runtime.current(), cache: runtime.cache });

  if (db && env.certificateRenewal.enabled) {
    await serveRenewals({
      db,
      secretKeyBase64: env.secretKey,
      dataDir: env.dataDir,
      sync,
      responder: challenges,
      runsScheduler: (env.workerSlot ?? 1) === 1,
      settings: env.certificateRenewal,
      lifecycle,
      log,
    });
  }
  if (db && env.tlsPort !== "off") {
    await serveTls({
      db,
      port: env.tlsPort,
      proxyProtocol: env.tlsProxyProtocol,
      host: env.host,
      secretKeyBase64: env.secretKey,
      dataDir: env.dataDir,
      runtime,
      sync,
      lifecycle,
      shutdownGraceMs: env.shutdownGraceMs,
      log,
    });
  }
}
