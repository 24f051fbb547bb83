/**
 * The proxy's process entry. The primary forks PROXY_WORKERS workers that share the data port,
 * restarts a crashed worker with backoff, serves the admin port for the whole node, beats the
 * node's heartbeat, and on SIGTERM/SIGINT lets every worker drain before it exits.
 */
import cluster from "node:cluster";
import type { Worker } from "node:cluster";
import { hostname } from "node:os";

import { createDb } from "@concierge/db/client";
import { writeRequestSamples } from "@concierge/db/repositories/request-samples";
import { readNodeBucket, writeRollups } from "@concierge/db/repositories/rollups";
import { runRetention } from "@concierge/db/retention";

import packageJson from "../package.json" with { type: "json" };
import { startAdminListener } from "./admin/admin-listener.ts";
import { startHeartbeat } from "./admin/heartbeat.ts";
import { createNodeReports } from "./admin/node-reports.ts";
import { INTERVAL_MS } from "./admin/worker-report.ts";
import { loadEnv, resolveNodeId, workerEnv } from "./env.ts";
import type { ProxyEnv } from "./env.ts";
import { createLifecycle } from "./lifecycle.ts";
import { createLogger } from "./logger.ts";
import { startLivePublisher, toMetricsDelta } from "./metrics/live-publisher.ts";
import { createIntervalCollector } from "./metrics/merge-intervals.ts";
import { startSampleWriter } from "./metrics/request-samples-writer.ts";
import { startRetentionTimer } from "./metrics/retention-timer.ts";
import { startRollupWriter } from "./metrics/rollup-writer.ts";
import { runWorker } from "./worker.ts";

/** A worker that ran this long before exiting is restarted at once: it did not crash-loop. */
const STABLE_AFTER_MS = 30_000;
const FIRST_RESTART_DELAY_MS = 100;
const MAX_RESTART_DELAY_MS = 10_000;
/** Beyond the workers' own grace: time for them to close the database and exit. */
const EXIT_MARGIN_MS = 2_000;

async function runPrimary(env: ProxyEnv): Promise<void> {
  const nodeId = resolveNodeId(env);
  const log = createLogger({ level: env.logLevel, nodeId, worker: "primary" });
  const lifecycle = createLifecycle(log);
  const startedAt = new Date();
  const reports = createNodeReports({ nodeId });
  const workers = new Map<number, Worker>();
  const restartTimers = new Set<NodeJS.Timeout>();
  const crashes = new Map<number, number>();
  let shuttingDown = false;
  let onAllExited: (() => void) | undefined;
  const traffic = createIntervalCollector();
  reports.onInterval((slot, interval) => traffic.add(slot, interval));

  function fork(slot: number): void {
    const forkedAt = Date.now();
    const worker = cluster.fork(workerEnv(nodeId, slot));
    workers.set(slot, worker);
    reports.track(slot, worker);
    worker.on("exit", (code, signal) => {
      reports.forget(slot, worker);
      traffic.forget(slot);
      if (workers.get(slot) === worker) workers.delete(slot);
      if (shuttingDown) {
        if (workers.size === 0) onAllExited?.();
        return;
      }
      const recentCrashes = Date.now() - forkedAt > STABLE_AFTER_MS ? 0 : (crashes.get(slot) ?? 0);
      crashes.set(slot, recentCrashes + 1);
      const delayMs = Math.min(FIRST_RESTART_DELAY_MS * 2 ** recentCrashes, MAX_RESTART_DELAY_MS);
      log.error({ slot, code, signal, delayMs }, "worker exited; restarting");
      const timer = setTimeout(() => {
        restartTimers.delete(timer);
        fork(slot);
      }, delayMs);
      restartTimers.add(timer);
    });
  }

  for (let slot = 1; slot <= env.workers; slot++) fork(slot);

  const admin = await startAdminListener({
    host: env.adminHost,
    port: env.adminPort,
    readiness: () => reports.readiness(),
    metrics: () => reports.metrics(),
    log,
  });
  lifecycle.defer("admin listener", () => admin.close());

  let stopHeartbeat = async () => {};
  let rollups: ReturnType<typeof startRollupWriter> | undefined;
  let samples: ReturnType<typeof startSampleWriter> | undefined;
  if (env.databaseUrl !== undefined) {
    const db = createDb({ url: env.databaseUrl, maxConnections: 2 });
    lifecycle.defer("database", () => db.$disconnect());
    const heartbeat = startHeartbeat({
      db,
      log,
      heartbeat: () => {
        const readiness = reports.readiness();
        const refused = readiness.refused;
        return {
          id: nodeId,
          host: hostname(),
          version: packageJson.version,
          workers: env.workers,
          startedAt,
          revisionApplied: readiness.revision,
          lastError: refused ? `revision ${refused.revision} refused: ${refused.reasons.join("; ")}` : null,
        };
      },
    });
    reports.onStatusChange(() => {
      if (!shuttingDown) heartbeat.beatNow();
    });
    stopHeartbeat = () => heartbeat.stop();

    const writer = startRollupWriter({
      store: {
        write: (rows) => writeRollups(db, rows),
        readBucket: (id, bucketStart, bucketSeconds) => readNodeBucket(db, id, bucketStart, bucketSeconds),
      },
      nodeId,
      bucketMs: env.rollupIntervalMs,
      maxBuckets: env.rollupBufferBuckets,
      log,
    });
    rollups = writer;
    // Runs before the database closes: the workers' last seconds, then every buffered bucket.
    lifecycle.defer("rollup writer", () => {
      publishTraffic();
      return writer.stop();
    });
    const sampleWriter = startSampleWriter({
      store: {
        write: (rows) =>
          writeRequestSamples(db, nodeId, rows, { kept: env.samples.kept, maxAgeMs: env.samples.retentionMs }),
      },
      nodeId,
      flushMs: Math.min(env.rollupIntervalMs, 5_000),
      // Ten minutes of every worker's full share, however many workers.
      maxBuffered: Math.max(1, env.samples.perSecond * 2 * env.workers * 600),
      log,
    });
    samples = sampleWriter;
    lifecycle.defer("sample writer", () => {
      publishTraffic();
      return sampleWriter.stop();
    });
    const retention = startRetentionTimer({ run: () => runRetention(db, env.retention), log });
    lifecycle.defer("retention", () => retention.stop());
  }

  const live =
    env.nodeToken === undefined
      ? undefined
      : startLivePublisher({
          webUrl: env.webUrl,
          token: env.nodeToken,
          nodeId,
          log,
          answer: (question) => reports.ask(question),
        });
  if (live) lifecycle.defer("live publisher", () => live.close());
  else log.info({}, "PROXY_NODE_TOKEN is not set; live metrics are not sent to the dashboard");

  function publishTraffic(): void {
    const drained = traffic.drain();
    if (!drained) return;
    live?.publish(toMetricsDelta(drained.interval, { intervalMs: INTERVAL_MS, workers: drained.workers }));
    rollups?.add(drained.interval);
    samples?.add(drained.interval.samples);
  }
  const trafficTimer = setInterval(publishTraffic, INTERVAL_MS);
  lifecycle.defer("traffic timer", () => clearInterval(trafficTimer));

  async function shutdown(signal: string): Promise<void> {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal, workers: workers.size }, "node stopping; draining workers");
    for (const timer of restartTimers) clearTimeout(timer);
    // The row keeps the last revision served rather than the empty state of draining workers.
    await stopHeartbeat();

    const allExited = new Promise<void>((resolve) => {
      onAllExited = resolve;
      if (workers.size === 0) resolve();
    });
    for (const worker of workers.values()) worker.process.kill("SIGTERM");
    const deadline = setTimeout(() => {
      log.warn({ workers: workers.size }, "workers still running after the grace period; killing them");
      for (const worker of workers.values()) worker.process.kill("SIGKILL");
    }, env.shutdownGraceMs + EXIT_MARGIN_MS);
    await allExited;
    clearTimeout(deadline);
    await lifecycle.shutdown();
    log.info({}, "node stopped");
    process.exit(0);
  }
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

const env = loadEnv();
if (cluster.isPrimary) await runPrimary(env);
else await runWorker(env);
