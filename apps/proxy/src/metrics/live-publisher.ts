import { formatIssues } from "@concierge/config/format-issues";
import { NodeQuestionSchema, type NodeQuestion, type NodeReply } from "@concierge/config/node-questions";
import {
  LATENCY_BUCKET_COUNT,
  emptyCounters,
  type MetricsDelta,
  type NodeToServerEvents,
  type RouteDelta,
  type ServerToNodeEvents,
  type TargetLive,
} from "@concierge/config/realtime";
import { ERROR_CAUSE_COUNT, toErrorCauseCounts } from "@concierge/config/traffic";
import { io, type Socket } from "socket.io-client";

import type { Logger } from "../logger.ts";
import { CELL, cacheOutcomeOfCell, statusClassOfCell } from "./cells.ts";
import type { TrafficInterval } from "./interval-reader.ts";

/** Wait before reconnecting to a web that closed the socket, so a stopping web is not raced. */
const SERVER_CLOSE_RETRY_MS = 1_000;

/**
 * The node's interval as the web's `/nodes` namespace takes it: counters per route, latency
 * merged, failures by cause summed over the node.
 */
export function toMetricsDelta(
  interval: TrafficInterval,
  options: { intervalMs: number; workers: number },
): MetricsDelta {
  const routes = new Map<string, RouteDelta>();
  const errorCauses = new Array<number>(ERROR_CAUSE_COUNT).fill(0);
  for (const cell of interval.cells) {
    const key = `${cell.routeId}\n${cell.poolId}`;
    let route = routes.get(key);
    if (!route) {
      route = {
        routeId: cell.routeId,
        poolId: cell.poolId,
        name: interval.routeNames[cell.routeId] ?? cell.routeId,
        poolName: interval.poolNames[cell.poolId] ?? cell.poolId,
        counters: emptyCounters(),
        latency: new Array<number>(LATENCY_BUCKET_COUNT).fill(0),
      };
      routes.set(key, route);
    }
    const value = (field: number) => cell.values[field] ?? 0;
    const requests = value(CELL.requests);
    const counters = route.counters;
    const statusClass = statusClassOfCell(cell.cell);
    counters.requests += requests;
    counters.status[statusClass] += requests;
    if (statusClass === "5xx") counters.errors += requests;
    counters.bytesIn += value(CELL.bytesIn);
    counters.bytesOut += value(CELL.bytesOut);
    counters.bytesSaved += value(CELL.bytesSaved);
    counters.coalesced += value(CELL.coalesced);
    counters.originMsSaved += value(CELL.originMsSaved);
    switch (cacheOutcomeOfCell(cell.cell)) {
      case "hit":
      case "revalidated":
        counters.cacheHits += requests;
        break;
      case "stale":
        counters.cacheStale += requests;
        break;
      case "miss":
        counters.cacheMisses += requests;
        break;
      case "bypass":
        counters.cacheBypass += requests;
        break;
      case "none":
        break;
    }
    for (let bucket = 0; bucket < LATENCY_BUCKET_COUNT; bucket++) {
      route.latency[bucket] = (route.latency[bucket] ?? 0) + value(CELL.latency + bucket);
    }
    for (let cause = 0; cause < ERROR_CAUSE_COUNT; cause++) {
      errorCauses[cause] = (errorCauses[cause] ?? 0) + value(CELL.errorCauses + cause);
    }
  }
  return {
    at: interval.at,
    intervalMs: options.intervalMs,
    workers: options.workers,
    revision: interval.revision,
    clientConnections: interval.clientConnections,
    inFlight: interval.inFlight,
    errorCauses: toErrorCauseCounts(errorCauses),
    routes: [...routes.values()],
    targets: interval.targets,
  };
}

export interface LivePublisher {
  /** Sends one delta, or drops it while disconnected: live numbers are worth nothing late. */
  publish(delta: MetricsDelta): void;
  readonly connected: boolean;
  close(): void;
}

/**
 * The node's socket.io client on the web's `/nodes` namespace. socket.io-client reconnects on
 * its own after a web restart or a network blip; nothing is queued meanwhile (volatile emits,
 * and nothing is emitted while disconnected), so a long outage costs no memory. The web's
 * questions (`node:ask`) are validated here, since the node does not take them on trust, and
 * acknowledged with `answer`'s reply.
 */
export function startLivePublisher(options: {
  webUrl: string;
  token: string;
  nodeId: string;
  log: Logger;
  /** Absent: the node declines the web's questions. */
  answer?(question: NodeQuestion): Promise<NodeReply>;
}): LivePublisher {
  const log = options.log.child({ component: "live-publisher" });
  const socket: Socket<ServerToNodeEvents, NodeToServerEvents> = io(
    new URL("/nodes", options.webUrl).href,
    {
      auth: { token: options.token, nodeId: options.nodeId },
      transports: ["websocket"],
      reconnectionDelay: 500,
      reconnectionDelayMax: 5_000,
    },
  );
  let announcedFailure = false;
  socket.on("connect", () => {
    announcedFailure = false;
    log.info({ webUrl: options.webUrl }, "live metrics connected");
  });
  socket.on("connect_error", (error) => {
    if (announcedFailure) return;
    announcedFailure = true;
    log.warn(
      { webUrl: options.webUrl, reason: error.message },
      "live metrics cannot reach the web; retrying",
    );
  });
  socket.on("node:ask", (question: unknown, reply: unknown) => {
    if (typeof reply !== "function") return;
    const acknowledge = reply as (reply: NodeReply) => void;
    const parsed = NodeQuestionSchema.safeParse(question);
    if (!options.answer) {
      acknowledge({ ok: false, error: "this node answers no questions" });
    } else if (!parsed.success) {
      acknowledge({ ok: false, error: `the node refused the question: ${formatIssues(parsed.error.issues).join("; ")}` });
    } else {
      void options.answer(parsed.data).then(acknowledge);
    }
  });
  let closed = false;
  socket.on("disconnect", (reason) => {
    log.info({ reason }, "live metrics disconnected");
    // socket.io-client retries on its own after a lost connection, but not after the server
    // closed the socket (as a web instance does when it stops): the node reconnects itself.
    if (reason === "io server disconnect" && !closed) {
      setTimeout(() => {
        if (!closed) socket.connect();
      }, SERVER_CLOSE_RETRY_MS).unref();
    }
  });

  const lastStates = new Map<string, string>();
  const changedTargets = (targets: readonly TargetLive[]): boolean => {
    let changed = false;
    for (const target of targets) {
      const key = `${target.poolId}\n${target.targetId}`;
      if (lastStates.get(key) !== target.state) changed = true;
      lastStates.set(key, target.state);
    }
    return changed;
  };

  return {
    publish(delta) {
      const targetsChanged = changedTargets(delta.targets);
      if (!socket.connected) return;
      socket.volatile.emit("node:metrics", delta);
      if (targetsChanged) socket.volatile.emit("node:targets", delta.targets);
    },
    get connected() {
      return socket.connected;
    },
    close() {
      closed = true;
      socket.close();
    },
  };
}
