/**
 * What workers tell the primary over the cluster's IPC channel: their config status when it
 * changes, and their metrics when the admin port is scraped. The primary answers /readyz and
 * /metrics for the whole node from these.
 */
import type { ConfigSyncStatus } from "../config/watch-revisions.ts";

export type WorkerMessage =
  | { type: "concierge:status"; status: ConfigSyncStatus }
  | { type: "concierge:metrics"; requestId: number; text: string };

export type PrimaryMessage = { type: "concierge:collect-metrics"; requestId: number };

export function isWorkerMessage(message: unknown): message is WorkerMessage {
  const type = (message as { type?: unknown } | null)?.type;
  return type === "concierge:status" || type === "concierge:metrics";
}

function isPrimaryMessage(message: unknown): message is PrimaryMessage {
  return (message as { type?: unknown } | null)?.type === "concierge:collect-metrics";
}

/** Worker side: pushes status changes and answers metrics requests. */
export function reportToPrimary(options: {
  sync: { status(): ConfigSyncStatus; onChange(listener: (status: ConfigSyncStatus) => void): void };
  metrics: { toPrometheus(): string };
}): void {
  const send = (message: WorkerMessage) => {
    if (process.connected) process.send?.(message);
  };
  send({ type: "concierge:status", status: options.sync.status() });
  options.sync.onChange((status) => send({ type: "concierge:status", status }));
  process.on("message", (message) => {
    if (!isPrimaryMessage(message)) return;
    send({ type: "concierge:metrics", requestId: message.requestId, text: options.metrics.toPrometheus() });
  });
}
