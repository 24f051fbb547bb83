"use client";

import type { NodeList } from "@concierge/config/traffic";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import { fetchJson } from "../client/fetch-json.ts";
import { liveSocket } from "./use-live-socket.ts";

export const nodeKeys = {
  all: ["nodes"] as const,
  list: () => [...nodeKeys.all, "list"] as const,
};

/**
 * Every proxy node with its heartbeat. Refetched when a node connects, disconnects or applies a
 * revision (the socket says so), not on a timer.
 */
export function useLiveNodes() {
  const queryClient = useQueryClient();

  useEffect(() => {
    const socket = liveSocket();
    const refresh = () => void queryClient.invalidateQueries({ queryKey: nodeKeys.list() });
    socket.on("node:status", refresh);
    socket.on("config:applied", refresh);
    return () => {
      socket.off("node:status", refresh);
      socket.off("config:applied", refresh);
    };
  }, [queryClient]);

  return useQuery({
    queryKey: nodeKeys.list(),
    queryFn: ({ signal }) => fetchJson<NodeList>("/api/v1/nodes", { signal }),
  });
}
