/**
 * Primary side of the workers' reports: the latest config status of each worker slot, and
 * node-wide metrics gathered on demand (each worker's text, added up, plus per-worker series).
 */
import type { Worker } from "node:cluster";

import type { ConfigSyncStatus } from "../config/watch-revisions.ts";
import type { TrafficInterval } from "../metrics/interval-reader.ts";
import { toReadiness } from "./node-readiness.ts";
import type { Readiness } from "./node-readiness.ts";
import { sumPrometheus } from "./sum-prometheus.ts";
import { isWorkerMessage } from "./worker-report.ts";
import type { PrimaryMessage } from "./worker-report.ts";

/** Each worker probes targets on its own: their health is a per-worker view, not a share to add up. */
const PER_WORKER_FAMILIES = new Set(["concierge_target_up"]);

/** A worker that does not answer within this time is left out of one scrape, not waited for. */
const METRICS_TIMEOUT_MS = 2_000;

export interface NodeReports {
  /** Starts listening to a freshly forked worker; it counts as not serving until it reports. */
  track(slot: number, worker: Worker): void;
  forget(slot: number, worker: Worker): void;
  readiness(): Readiness;
  /** Called whenever a worker reports a new status. */
  onStatusChange(listener: () => void): void;
  /** Called with each worker's traffic interval, once a second per worker. */
  onInterval(listener: (slot: number, interval: TrafficInterval) => void): void;
  metrics(): Promise<string>;
}

export function createNodeReports(options: { nodeId: string; databaseConfigured: boolean }): NodeReports {
  const workers = new Map<number, Worker>();
  const statuses = new Map<number, ConfigSyncStatus>();
  const pending = new Map<number, (text: string) => void>();
  const statusListeners: Array<() => void> = [];
  const intervalListeners: Array<(slot: number, interval: TrafficInterval) => void> = [];
  let nextRequestId = 0;

  function askMetrics([slot, worker]: [number, Worker]): Promise<{ worker: number; text: string } | null> {
    const requestId = ++nextRequestId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(requestId);
        resolve(null);
      }, METRICS_TIMEOUT_MS);
      pending.set(requestId, (text) => {
        clearTimeout(timer);
        pending.delete(requestId);
        resolve({ worker: slot, text });
      });
      const message: PrimaryMessage = { type: "concierge:collect-metrics", requestId };
      if (worker.isConnected()) worker.send(message);
    });
  }

  function workerSeries(): string {
    let out = "# HELP concierge_workers Worker processes of this node.\n# TYPE concierge_workers gauge\n";
    out += `concierge_workers ${workers.size}\n`;
    out += "# HELP concierge_config_revision The config revision each worker serves (0: none).\n";
    out += "# TYPE concierge_config_revision gauge\n";
    for (const [slot, status] of [...statuses].sort(([a], [b]) => a - b)) {
      out += `concierge_config_revision{worker="${slot}"} ${status.revision ?? 0}\n`;
    }
    return out;
  }

  return {
    track(slot, worker) {
      workers.set(slot, worker);
      statuses.set(slot, {
        revision: null,
        source: null,
        database: options.databaseConfigured ? "unreachable" : "not-configured",
        refused: null,
      });
      worker.on("message", (message: unknown) => {
        if (!isWorkerMessage(message)) return;
        if (message.type === "concierge:status") {
          if (workers.get(slot) !== worker) return;
          statuses.set(slot, message.status);
          for (const listener of statusListeners) listener();
        } else if (message.type === "concierge:interval") {
          for (const listener of intervalListeners) listener(slot, message.interval);
        } else {
          pending.get(message.requestId)?.(message.text);
        }
      });
    },
    forget(slot, worker) {
      if (workers.get(slot) !== worker) return;
      workers.delete(slot);
      statuses.delete(slot);
    },
    readiness: () => toReadiness(options.nodeId, statuses),
    onStatusChange: (listener) => void statusListeners.push(listener),
    onInterval: (listener) => void intervalListeners.push(listener),
    async metrics() {
      const answers = await Promise.all([...workers].map(askMetrics));
      const expositions = answers.filter((answer) => answer !== null);
      return sumPrometheus(expositions, PER_WORKER_FAMILIES) + workerSeries();
    },
  };
}
