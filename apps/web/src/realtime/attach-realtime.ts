import type { Server as HttpServer } from "node:http";

import {
  LiveFilterSchema,
  MetricsDeltaSchema,
  TargetLiveSchema,
  type DashboardClientEvents,
  type DashboardServerEvents,
  type NodeToServerEvents,
  type ServerToNodeEvents,
} from "@concierge/config/realtime";
import { findLiveNodeToken } from "@concierge/db/repositories/node-tokens";
import { hashToken } from "@concierge/db/token-hash";
import type { Logger } from "pino";
import { Server, type Namespace } from "socket.io";
import { z } from "zod";

import { authenticate } from "../auth/authenticate.ts";
import { db } from "../data/db.ts";
import { ALL_NODES, createLiveAggregator } from "./live-aggregator.ts";
import { registerLiveSource } from "./live-source.ts";
import { createNodeQuestions, registerNodeQuestions } from "./node-questions.ts";
import { registerSocketRevocation } from "./socket-revocation.ts";

/** Every signed-in dashboard socket joins this room; live numbers are sent to it. */
export const DASHBOARD_ROOM = "dashboard";

const userRoom = (userId: string) => `user:${userId}`;
const sessionRoom = (sessionId: string) => `session:${sessionId}`;

const NodeHandshakeSchema = z.object({
  token: z.string().min(1).max(256),
  nodeId: z.string().min(1).max(200),
});
const TargetListSchema = z.array(TargetLiveSchema).max(10_000);
/** Browsers subscribed to one node's ticks (or "all") are in this room. */
const liveRoom = (nodeId: string) => `live:${nodeId}`;
const ALL_NODES_TICK_MS = 1_000;

export interface Realtime {
  io: Server;
  close(): Promise<void>;
}

/**
 * socket.io on the web's own HTTP server. `/dashboard` admits browsers with a valid session cookie
 * sent from the dashboard's own origin; `/nodes` admits proxy nodes whose token's sha256 is in
 * node_tokens. Nodes push a `node:metrics` delta once a second; the web sums them per node and
 * over all nodes and emits `live:tick` to the browsers that sent `live:subscribe` for that node.
 * API handlers ask a connected node questions (explain, probe) through `node:ask`.
 */
export function attachRealtime(
  server: HttpServer,
  options: { publicOrigin: string; log: Logger },
): Realtime {
  const log = options.log.child({ component: "realtime" });
  const io = new Server(server, { serveClient: false, maxHttpBufferSize: 1_000_000 });

  const dashboard: Namespace<DashboardClientEvents, DashboardServerEvents> = io.of("/dashboard");
  const live = createLiveAggregator({
    emit: (room, tick) => dashboard.to(liveRoom(room)).emit("live:tick", tick),
  });
  registerLiveSource(live);
  const allNodesTimer = setInterval(() => live.tickAll(), ALL_NODES_TICK_MS);
  allNodesTimer.unref();
  dashboard.use((socket, next) => {
    const { origin, cookie } = socket.handshake.headers;
    if (origin !== options.publicOrigin) return next(new Error("forbidden origin"));
    authenticate({ cookie: cookie ?? null })
      .then((authentication) => {
        if (authentication === null || authentication.via !== "session")
          return next(new Error("unauthorized"));
        const { actor } = authentication;
        socket.data = { userId: actor.id, sessionId: actor.sessionId };
        void socket.join([DASHBOARD_ROOM, userRoom(actor.id), sessionRoom(actor.sessionId ?? "")]);
        next();
      })
      .catch((error: unknown) => {
        log.error({ err: error }, "dashboard handshake failed");
        next(new Error("unavailable"));
      });
  });

  dashboard.on("connection", (socket) => {
    socket.on("live:subscribe", (filter: unknown, joined?: unknown) => {
      const parsed = LiveFilterSchema.safeParse(filter);
      if (!parsed.success) return;
      void socket.join(liveRoom(parsed.data.nodeId));
      if (typeof joined === "function") (joined as () => void)();
    });
    socket.on("live:unsubscribe", (filter: unknown) => {
      const parsed = LiveFilterSchema.safeParse(filter);
      if (parsed.success) void socket.leave(liveRoom(parsed.data.nodeId));
    });
  });

  const nodes: Namespace<NodeToServerEvents, ServerToNodeEvents> = io.of("/nodes");
  const questions = createNodeQuestions();
  registerNodeQuestions(questions);
  nodes.use((socket, next) => {
    const handshake = NodeHandshakeSchema.safeParse(socket.handshake.auth);
    if (!handshake.success) return next(new Error("unauthorized"));
    findLiveNodeToken(db(), hashToken(handshake.data.token))
      .then((token) => {
        if (token === null) return next(new Error("unauthorized"));
        socket.data = { nodeId: handshake.data.nodeId };
        next();
      })
      .catch((error: unknown) => {
        log.error({ err: error }, "node handshake failed");
        next(new Error("unavailable"));
      });
  });
  nodes.on("connection", (socket) => {
    const { nodeId } = socket.data as { nodeId: string };
    log.info({ nodeId }, "node connected");
    questions.connected(nodeId, socket);
    dashboard.to(DASHBOARD_ROOM).emit("node:status", { nodeId, connected: true, at: Date.now() });
    socket.on("node:metrics", (delta: unknown) => {
      const parsed = MetricsDeltaSchema.safeParse(delta);
      if (parsed.success) live.receive(nodeId, parsed.data);
    });
    socket.on("node:targets", (targets: unknown) => {
      const parsed = TargetListSchema.safeParse(targets);
      if (!parsed.success) return;
      const event = { nodeId, targets: parsed.data };
      dashboard.to([liveRoom(nodeId), liveRoom(ALL_NODES)]).emit("node:targets", event);
    });
    socket.on("disconnect", (reason) => {
      log.info({ nodeId, reason }, "node disconnected");
      questions.disconnected(nodeId, socket);
      live.nodeDisconnected(nodeId);
      dashboard
        .to(DASHBOARD_ROOM)
        .emit("node:status", { nodeId, connected: false, at: Date.now() });
    });
  });

  registerSocketRevocation({
    disconnectSessions(sessionIds) {
      for (const id of sessionIds) dashboard.in(sessionRoom(id)).disconnectSockets(true);
    },
    disconnectUser(userId) {
      dashboard.in(userRoom(userId)).disconnectSockets(true);
    },
  });

  return {
    io,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(allNodesTimer);
        io.disconnectSockets(true);
        for (const namespace of [dashboard, nodes]) namespace.disconnectSockets(true);
        void io.close(() => resolve());
      }),
  };
}
