import type { Socket } from "node:net";

import type { MetricsRegistry } from "../metrics/registry.ts";

/**
 * Open client connections, including those handed over to a WebSocket pipe (which node's
 * server stops tracking), so drain can see and end every one of them.
 */
export interface ConnectionTracker {
  track(socket: Socket): void;
  count(): number;
  sockets(): Iterable<Socket>;
  /** Resolves once no tracked connection is left open. */
  allClosed(): Promise<void>;
}

export function createConnectionTracker(metrics: MetricsRegistry): ConnectionTracker {
  const open = new Set<Socket>();
  let onEmpty: (() => void) | undefined;
  return {
    track(socket) {
      open.add(socket);
      metrics.connectionOpened();
      socket.once("close", () => {
        open.delete(socket);
        metrics.connectionClosed();
        if (open.size === 0) onEmpty?.();
      });
    },
    count: () => open.size,
    sockets: () => open,
    allClosed() {
      if (open.size === 0) return Promise.resolve();
      return new Promise((resolve) => {
        onEmpty = resolve;
      });
    },
  };
}
