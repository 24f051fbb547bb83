"use client";

import type { LiveTick } from "@concierge/config/realtime";

import { formatAgo, formatMs, formatPercent } from "../../../../../components/charts/format.ts";
import { Panel } from "../../../../../components/charts/panel.tsx";
import { useLiveOverview } from "../../../../../hooks/use-live-overview.ts";
import { OverviewLiveBadge } from "../../../_components/overview-live-badge.tsx";

type LiveTarget = LiveTick["targets"][number];

/** A symbol beside each state's word, so states differ by more than colour. */
const STATE_LOOK: Record<string, { symbol: string; className: string }> = {
  up: { symbol: "●", className: "text-[#007A58] dark:text-[#2BCB9E]" },
  down: { symbol: "✕", className: "text-[#B34700] dark:text-[#FF8F4D]" },
  ejected: { symbol: "⏸", className: "text-[#B34700] dark:text-[#FF8F4D]" },
  draining: { symbol: "↘", className: "text-[#0060A0] dark:text-[#56B4E9]" },
};
const UNKNOWN_LOOK = { symbol: "?", className: "text-slate-600 dark:text-slate-400" };

function LastProbe({ probe }: { probe: LiveTarget["lastProbe"] }) {
  if (probe === null) return <span className="text-slate-600 dark:text-slate-400">not probed</span>;
  return (
    <span title={probe.detail}>
      {probe.ok ? "passed" : "failed"} {formatAgo(new Date(probe.at))}
      {probe.detail !== undefined && !probe.ok && (
        <span className="block text-xs text-slate-600 dark:text-slate-400">{probe.detail}</span>
      )}
    </span>
  );
}

/**
 * The pool's targets as the proxy nodes see them now: health and since when, the last probe,
 * requests in flight, latency and each target's share of the pool's traffic.
 */
export function LiveTargetsPanel({ poolId }: { poolId: string }) {
  const live = useLiveOverview("all");
  const latest = live.data?.ticks.at(-1);
  const targets = (latest?.targets ?? []).filter((target) => target.poolId === poolId);
  const manyNodes = new Set(targets.map((target) => target.nodeId)).size > 1;

  return (
    <Panel title="Targets, live" actions={<OverviewLiveBadge />}>
      {targets.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="live-targets-empty">
          No proxy node has reported these targets yet.
        </p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm" data-testid="live-targets">
            <caption className="sr-only">Live state of this pool&apos;s targets</caption>
            <thead>
              <tr className="border-b border-slate-200 text-left text-xs text-slate-600 uppercase dark:border-slate-700 dark:text-slate-400">
                <th scope="col" className="py-2 pr-3 font-medium">Target</th>
                {manyNodes && <th scope="col" className="py-2 pr-3 font-medium">Node</th>}
                <th scope="col" className="py-2 pr-3 font-medium">Health</th>
                <th scope="col" className="py-2 pr-3 font-medium">Last probe</th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">In flight</th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">Latency</th>
                <th scope="col" className="py-2 text-right font-medium">Share</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 tabular-nums dark:divide-slate-800">
              {targets.map((target) => {
                const look = STATE_LOOK[target.state] ?? UNKNOWN_LOOK;
                return (
                  <tr key={`${target.targetId}:${target.nodeId}`} data-testid="live-target-row">
                    <th scope="row" className="py-2 pr-3 text-left font-mono text-xs font-normal">{target.url}</th>
                    {manyNodes && <td className="py-2 pr-3 font-mono text-xs">{target.nodeId.slice(0, 8)}</td>}
                    <td className="py-2 pr-3">
                      <span className={look.className} aria-hidden>{look.symbol}</span>{" "}
                      <span data-testid="live-target-state">{target.state}</span>
                      <span className="block text-xs text-slate-600 dark:text-slate-400">
                        since {formatAgo(new Date(target.since))}
                      </span>
                    </td>
                    <td className="py-2 pr-3"><LastProbe probe={target.lastProbe} /></td>
                    <td className="py-2 pr-3 text-right">{target.inFlight}</td>
                    <td className="py-2 pr-3 text-right">{formatMs(target.ewmaMs)}</td>
                    <td className="py-2 text-right">{formatPercent(target.share)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
