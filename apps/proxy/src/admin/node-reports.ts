/**
 * Primary side of the workers' reports: the latest config status of each worker slot, and
 * node-wide metrics gathered on demand (each worker's text, added up, plus per-worker series).
 * The dashboard's questions go to one worker that serves a config, and its reply comes back.
 */
import type { Worker } from "node:cluster";

import type { NodeQuestion, NodeReply } from "@concierge/config/node-questions";

import type { ConfigSyncStatus } from "../config/watch-revisions.ts";
import type { TrafficInterval } from "../metrics/interval-reader.ts";
import { toReadiness } from "./node-readiness.ts";
import type { Readiness } from "./node-readiness.ts";
import { sumPrometheus } from "./sum-prometheus.ts";
import { PROBE_TIMEOUT_MS } from "./probe-target.ts";
import { isWorkerMessage } from "./worker-report.ts";
import type { PrimaryMessage, WorkerMessage } from "./worker-report.ts";

/** Each worker probes targets on its own: their health is a per-worker view, not a share to add up. */
const PER_WORKER_FAMILIES = new Set(["concierge_target_up"]);

/** A worker that does not answer within this time is left out of one scrape, not waited for. */
const METRICS_TIMEOUT_MS = 2_000;
/** A probe takes up to its own timeout; beyond that margin the worker is not answering. */
export const QUESTION_TIMEOUT_MS = PROBE_TIMEOUT_MS + 2_000;

type Reply = Extract<WorkerMessage, { requestId: number }>;

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
  /** Asks one worker (one that serves a config, when any does) and resolves with its reply. */
  ask(question: NodeQuestion): Promise<NodeReply>;
}

export function createNodeReports(options: { nodeId: string }): NodeReports {
  const workers = new Map<number, Worker>();
  /** null until the worker's first report, sent once its first config load attempt finished. */
  const statuses = new Map<number, ConfigSyncStatus | null>();
  const pending = new Map<number, (reply: Reply) => void>();
  const statusListeners: Array<() => void> = [];
  const intervalListeners: Array<(slot: number, interval: TrafficInterval) => void> = [];
  let nextRequestId = 0;

  /** Sends a request to a worker; null when it does not reply within `timeoutMs`. */
  function request(worker: Worker, message: (requestId: number) => PrimaryMessage, timeoutMs: number): Promise<Reply | null> {
    const requestId = ++nextRequestId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(requestId);
        resolve(null);
      }, timeoutMs);
      pending.set(requestId, (reply) => {
        clearTimeout(timer);
        pending.delete(requestId);
        resolve(reply);
      });
      if (worker.isConnected()) worker.send(message(requestId));
    });
  }

  async function askMetrics([slot, worker]: [number, Worker]): Promise<{ worker: number; text: string } | null> {
    const reply = await request(worker, (requestId) => ({ type: "concierge:collect-metrics", requestId }), METRICS_TIMEOUT_MS);
    return reply?.type === "concierge:metrics" ? { worker: slot, text: reply.text } : null;
  }

  function answeringWorker(): [number, Worker] | undefined {
    const connected = [...workers].filter(([, worker]) => worker.isConnected()).sort(([a], [b]) => a - b);
    return connected.find(([slot]) => statuses.get(slot)?.revision != null) ?? connected[0];
  }

  function workerSeries(): string {
    let out = "# HELP concierge_workers Worker processes of this node.\n# TYPE concierge_workers gauge\n";
    out += `concierge_workers ${workers.size}\n`;
    out += "# HELP concierge_config_revision The config revision each worker serves (0: none).\n";
    out += "# TYPE concierge_config_revision gauge\n";
    for (const [slot, status] of [...statuses].sort(([a], [b]) => a - b)) {
      out += `concierge_config_revision{worker="${slot}"} ${status?.revision ?? 0}\n`;
    }
    return out;
  }

  return {
    track(slot, worker) {
      workers.set(slot, worker);
      statuses.set(slot, null);
      worker.on("message", (message: unknown) => {
        if (!isWorkerMessage(message)) return;
        if (message.type === "concierge:status") {
          if (workers.get(slot) !== worker) return;
          statuses.set(slot, message.status);
          for (const listener of statusListeners) listener();
        } else if (message.type === "concierge:interval") {
          for (const listener of intervalListeners) listener(slot, message.interval);
        } else {
          pending.get(message.requestId)?.(message);
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
    async ask(question) {
      const chosen = answeringWorker();
      if (!chosen) return { ok: false, error: "no worker of this node is running" };
      const [slot, worker] = chosen;
      const reply = await request(worker, (requestId) => ({ type: "concierge:ask", requestId, question }), QUESTION_TIMEOUT_MS);
      if (reply?.type === "concierge:answer") return reply.reply;
      return { ok: false, error: `worker ${slot} did not answer within ${QUESTION_TIMEOUT_MS / 1000} s` };
    },
  };
}
