"use client";

import {
  LIVE_HISTORY_MS,
  type LiveFilter,
  type LiveOverview,
  type LiveTick,
} from "@concierge/config/realtime";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import { fetchJson } from "../client/fetch-json.ts";
import { holdLiveFeed, liveSocket } from "./use-live-socket.ts";

export const liveKeys = {
  all: ["live"] as const,
  overview: (nodeId: LiveFilter["nodeId"]) => [...liveKeys.all, "overview", nodeId] as const,
};

/** Appends a tick and drops those older than the kept history (ticks arrive oldest first). */
export function mergeTick(previous: LiveOverview | undefined, tick: LiveTick): LiveOverview {
  const ticks = previous?.ticks ?? [];
  const last = ticks.at(-1);
  if (last !== undefined && tick.at <= last.at) return previous ?? { nodeId: tick.nodeId, ticks };
  const oldestKept = tick.at - LIVE_HISTORY_MS;
  const firstKept = ticks.findIndex((kept) => kept.at > oldestKept);
  const recent = firstKept === -1 ? [] : ticks.slice(firstKept);
  recent.push(tick);
  return { nodeId: tick.nodeId, ticks: recent };
}

/**
 * The last 15 minutes of one node's ticks (or all nodes'). Seeded once over HTTP; after that the
 * socket pushes every tick into the query cache. No polling.
 */
export function useLiveOverview(nodeId: LiveFilter["nodeId"]) {
  const queryClient = useQueryClient();

  useEffect(() => {
    const socket = liveSocket();
    const onTick = (tick: LiveTick) => {
      if (tick.nodeId !== nodeId) return;
      queryClient.setQueryData(liveKeys.overview(nodeId), (previous?: LiveOverview) =>
        mergeTick(previous, tick),
      );
    };
    socket.on("live:tick", onTick);
    const release = holdLiveFeed(socket, nodeId);
    return () => {
      socket.off("live:tick", onTick);
      release();
    };
  }, [nodeId, queryClient]);

  return useQuery({
    queryKey: liveKeys.overview(nodeId),
    queryFn: async ({ signal }) => {
      const seed = await fetchJson<LiveOverview>(
        `/api/v1/live/overview?node=${encodeURIComponent(nodeId)}`,
        { signal },
      );
      // Ticks that arrived while the seed was on its way are newer than it: keep them.
      const pushed = queryClient.getQueryData<LiveOverview>(liveKeys.overview(nodeId));
      return (pushed?.ticks ?? []).reduce(mergeTick, seed);
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
}
