import type { LiveTick } from "@concierge/config/realtime";

/**
 * Route handlers run inside the Next.js bundle while the live aggregator lives in the custom
 * server; both are in one process, so the server registers it here under a shared symbol.
 */
const LIVE_KEY = Symbol.for("concierge.web.live-source");

export interface LiveSource {
  history(nodeId: string): LiveTick[];
  connectedNodes(): string[];
}

type Holder = { [LIVE_KEY]?: LiveSource };

export function registerLiveSource(source: LiveSource): void {
  (globalThis as Holder)[LIVE_KEY] = source;
}

/** The registered source; absent when no socket server runs in this process (nothing is live). */
export function liveSource(): LiveSource | undefined {
  return (globalThis as Holder)[LIVE_KEY];
}
