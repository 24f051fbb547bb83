"use client";

import { useLiveConnected } from "../../../hooks/use-live-socket.ts";

/** Says in words whether the numbers on the page are live, not by a coloured dot alone. */
export function OverviewLiveBadge() {
  const connected = useLiveConnected();
  return (
    <span
      className="inline-flex items-center gap-1.5 rounded-full border border-slate-300 px-2 py-0.5 text-xs text-slate-700 dark:border-slate-600 dark:text-slate-300"
      data-testid="live-badge"
      aria-live="polite"
    >
      <span
        aria-hidden
        className={`size-2 rounded-full ${connected ? "bg-[#009E73]" : "bg-slate-400"}`}
      />
      {connected ? "Live" : "Reconnecting…"}
    </span>
  );
}
