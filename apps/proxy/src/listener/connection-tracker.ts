import type { ServerResponse } from "node:http";
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

/** A response still being written; a listener may keep finished ones around. */
export function isAnswering(response: ServerResponse | undefined): response is ServerResponse {
  return response !== undefined && !response.writableFinished;
}

/**
 * The connection half of a graceful stop: HTTP/1 connections end now when idle and after their
 * answer when busy (WebSocket pipes and `skip`ped ones close on their own); at the deadline
 * whatever is left is destroyed.
 */
export async function drainConnections(
  tracker: ConnectionTracker,
  options: {
    answering: WeakMap<Socket, ServerResponse>;
    upgraded: WeakSet<Socket>;
    graceMs: number;
    skip?: (socket: Socket) => boolean;
  },
): Promise<void> {
  for (const socket of tracker.sockets()) {
    if (options.skip?.(socket)) continue;
    const inFlight = options.answering.get(socket);
    if (isAnswering(inFlight)) {
      inFlight.shouldKeepAlive = false;
      inFlight.once("finish", () => socket.end());
    } else if (!options.upgraded.has(socket)) {
      socket.end();
    }
  }
  const deadline = setTimeout(() => {
    for (const socket of tracker.sockets()) socket.destroy();
  }, options.graceMs);
  try {
    await tracker.allClosed();
  } finally {
    clearTimeout(deadline);
  }
}
