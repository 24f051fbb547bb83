import type { LiveTick } from "@concierge/config/realtime";

/** How much the reuse figure looks back: one second has too few new connections to say much. */
const REUSE_WINDOW_TICKS = 60;

export interface UpstreamLink {
  targetId: string;
  url: string;
  state: string;
  openConnections: number;
  inFlight: number;
  newConnectionsPerSecond: number;
  requestsPerSecond: number;
  /** Requests per newly opened connection over the last minute; null when none was opened. */
  requestsPerConnection: number | null;
}

/** Each target's side of the proxy, summed over the nodes in the ticks (newest tick last). */
export function upstreamLinks(ticks: readonly LiveTick[]): UpstreamLink[] {
  const latest = ticks.at(-1);
  if (latest === undefined) return [];
  const links = new Map<string, UpstreamLink>();
  for (const target of latest.targets) {
    const link = links.get(target.targetId) ?? {
      targetId: target.targetId,
      url: target.url,
      state: target.state,
      openConnections: 0,
      inFlight: 0,
      newConnectionsPerSecond: 0,
      requestsPerSecond: 0,
      requestsPerConnection: null,
    };
    link.openConnections += target.openConnections;
    link.inFlight += target.inFlight;
    link.newConnectionsPerSecond += (target.newConnections * 1000) / latest.intervalMs;
    link.requestsPerSecond += (target.requests * 1000) / latest.intervalMs;
    // A target up on one node and down on another is shown by its worst state.
    if (target.state !== "up") link.state = target.state;
    links.set(target.targetId, link);
  }
  const reuse = new Map<string, { requests: number; opened: number }>();
  for (const tick of ticks.slice(-REUSE_WINDOW_TICKS)) {
    for (const target of tick.targets) {
      const sums = reuse.get(target.targetId) ?? { requests: 0, opened: 0 };
      sums.requests += target.requests;
      sums.opened += target.newConnections;
      reuse.set(target.targetId, sums);
    }
  }
  for (const link of links.values()) {
    const sums = reuse.get(link.targetId);
    link.requestsPerConnection = sums && sums.opened > 0 ? sums.requests / sums.opened : null;
  }
  return [...links.values()].sort((a, b) => a.url.localeCompare(b.url));
}
