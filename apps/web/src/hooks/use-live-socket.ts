"use client";

import type {
  DashboardClientEvents,
  DashboardServerEvents,
  LiveFilter,
} from "@concierge/config/realtime";
import { useSyncExternalStore } from "react";
import { io, type Socket } from "socket.io-client";

export type DashboardSocket = Socket<DashboardServerEvents, DashboardClientEvents>;

let socket: DashboardSocket | undefined;
/** How many mounted views want each node's ticks; the server hears only the first and the last. */
const subscribers = new Map<LiveFilter["nodeId"], number>();

/**
 * The one `/dashboard` connection of this tab, on the page's own origin, so the browser sends
 * the session cookie and Origin that the server checks. Browser only: call it from effects.
 */
export function liveSocket(): DashboardSocket {
  if (socket === undefined) {
    // WebSocket only: browsers send Origin on every WebSocket handshake, but not on same-origin
    // GETs, and the server admits a dashboard socket only with the dashboard's own Origin.
    socket = io("/dashboard", { withCredentials: true, transports: ["websocket"] });
    const connection = socket;
    // A reconnect lands on a new server-side socket with no rooms: ask for every feed again.
    connection.on("connect", () => {
      for (const nodeId of subscribers.keys()) connection.emit("live:subscribe", { nodeId });
    });
  }
  return socket;
}

/** Starts the node's feed (or "all") while at least one caller holds it; returns the release. */
export function holdLiveFeed(connection: DashboardSocket, nodeId: LiveFilter["nodeId"]): () => void {
  const holders = subscribers.get(nodeId) ?? 0;
  subscribers.set(nodeId, holders + 1);
  if (holders === 0 && connection.connected) connection.emit("live:subscribe", { nodeId });
  return () => {
    const left = (subscribers.get(nodeId) ?? 1) - 1;
    if (left > 0) {
      subscribers.set(nodeId, left);
      return;
    }
    subscribers.delete(nodeId);
    if (connection.connected) connection.emit("live:unsubscribe", { nodeId });
  };
}

function subscribeToConnection(onChange: () => void): () => void {
  const connection = liveSocket();
  connection.on("connect", onChange);
  connection.on("disconnect", onChange);
  return () => {
    connection.off("connect", onChange);
    connection.off("disconnect", onChange);
  };
}

/** Whether live numbers are flowing, to say so next to them. */
export function useLiveConnected(): boolean {
  return useSyncExternalStore(
    subscribeToConnection,
    () => liveSocket().connected,
    () => false,
  );
}
