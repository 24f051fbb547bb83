/**
 * What workers tell the primary over the cluster's IPC channel: their config status when it
 * changes, their metrics when the admin port is scraped, and their traffic once a second. The
 * primary answers /readyz and /metrics, and sends live ticks and rollups, for the whole node.
 * The primary also passes on the dashboard's questions (explain, probe) to one worker.
 */
import type { NodeQuestion, NodeReply } from "@concierge/config/node-questions";

import type { ConfigSyncStatus } from "../config/watch-revisions.ts";
import type { TrafficInterval } from "../metrics/interval-reader.ts";

/** Workers send their traffic of each second; the primary sums them for live ticks and rollups. */
export const INTERVAL_MS = 1_000;

export type WorkerMessage =
  | { type: "concierge:status"; status: ConfigSyncStatus }
  | { type: "concierge:metrics"; requestId: number; text: string }
  | { type: "concierge:interval"; interval: TrafficInterval }
  | { type: "concierge:answer"; requestId: number; reply: NodeReply };

export type PrimaryMessage =
  | { type: "concierge:collect-metrics"; requestId: number }
  | { type: "concierge:ask"; requestId: number; question: NodeQuestion };

const WORKER_MESSAGE_TYPES = new Set(["concierge:status", "concierge:metrics", "concierge:interval", "concierge:answer"]);

export function isWorkerMessage(message: unknown): message is WorkerMessage {
  return WORKER_MESSAGE_TYPES.has(String((message as { type?: unknown } | null)?.type));
}

export function isPrimaryMessage<Type extends PrimaryMessage["type"]>(
  message: unknown,
  type: Type,
): message is Extract<PrimaryMessage, { type: Type }> {
  return (message as { type?: unknown } | null)?.type === type;
}

export const send = (message: WorkerMessage) => {
  if (process.connected) process.send?.(message);
};

/** Worker side: pushes status changes and answers metrics requests. */
export function reportToPrimary(options: {
  sync: { status(): ConfigSyncStatus; onChange(listener: (status: ConfigSyncStatus) => void): void };
  metrics: { toPrometheus(): string };
}): void {
  send({ type: "concierge:status", status: options.sync.status() });
  options.sync.onChange((status) => send({ type: "concierge:status", status }));
  process.on("message", (message) => {
    if (!isPrimaryMessage(message, "concierge:collect-metrics")) return;
    send({ type: "concierge:metrics", requestId: message.requestId, text: options.metrics.toPrometheus() });
  });
}

/**
 * Worker side: sends the traffic of each second. The returned stop sends the last partial
 * second too, so call it after the data listener has drained.
 */
export function reportTraffic(take: () => TrafficInterval): () => void {
  const timer = setInterval(() => send({ type: "concierge:interval", interval: take() }), INTERVAL_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    // The last partial second, so a draining worker's final requests are still counted.
    send({ type: "concierge:interval", interval: take() });
  };
}
