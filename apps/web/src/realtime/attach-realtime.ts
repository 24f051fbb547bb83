import type { Server as HttpServer } from "node:http";

import { hashToken } from "@concierge/db/token-hash";
import type { Logger } from "pino";
import { Server, type Socket } from "socket.io";
import { z } from "zod";

import { authenticate } from "../auth/authenticate.ts";
import { db } from "../data/db.ts";
import { registerSocketRevocation } from "./socket-revocation.ts";

/** Every signed-in dashboard socket joins this room; live numbers are sent to it. */
export const DASHBOARD_ROOM = "dashboard";

const userRoom = (userId: string) => `user:${userId}`;
const sessionRoom = (sessionId: string) => `session:${sessionId}`;

const NodeHandshakeSchema = z.object({
  token: z.string().min(1).max(256),
  nodeId: z.string().min(1).max(200),
});
/** A node's counters since its last message; the dashboard merges them. */
const MetricsDeltaSchema = z.record(z.string(), z.unknown());

/** The query belongs in a packages/db node-tokens repository once there is one. */
function findLiveNodeToken(tokenHash: string): Promise<{ id: string } | null> {
  return db().nodeToken.findFirst({ where: { tokenHash, revokedAt: null }, select: { id: true } });
}

export interface Realtime {
  io: Server;
  close(): Promise<void>;
}

/**
 * socket.io on the web's own HTTP server. `/dashboard` admits browsers with a valid session cookie
 * sent from the dashboard's own origin; `/nodes` admits proxy nodes whose token's sha256 is in
 * node_tokens. Nodes push `node:metrics`, relayed to every dashboard as `node:metrics`.
 */
export function attachRealtime(
  server: HttpServer,
  options: { publicOrigin: string; log: Logger },
): Realtime {
  const log = options.log.child({ component: "realtime" });
  const io = new Server(server, { serveClient: false, maxHttpBufferSize: 1_000_000 });

  const dashboard = io.of("/dashboard");
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

  const nodes = io.of("/nodes");
  nodes.use((socket, next) => {
    const handshake = NodeHandshakeSchema.safeParse(socket.handshake.auth);
    if (!handshake.success) return next(new Error("unauthorized"));
    findLiveNodeToken(hashToken(handshake.data.token))
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
  nodes.on("connection", (socket: Socket) => {
    const { nodeId } = socket.data as { nodeId: string };
    log.info({ nodeId }, "node connected");
    socket.on("node:metrics", (delta: unknown) => {
      const parsed = MetricsDeltaSchema.safeParse(delta);
      if (!parsed.success) return;
      dashboard.to(DASHBOARD_ROOM).emit("node:metrics", { nodeId, delta: parsed.data });
    });
    socket.on("disconnect", (reason) => log.info({ nodeId, reason }, "node disconnected"));
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
        io.disconnectSockets(true);
        for (const namespace of [dashboard, nodes]) namespace.disconnectSockets(true);
        void io.close(() => resolve());
      }),
  };
}
