import {
  addCounters,
  emptyCounters,
  type LatencySummary,
  type LiveTick,
  type TrafficCounters,
} from "@concierge/config/realtime";

import { formatMs, formatPercent, formatRate } from "../../../components/charts/format.ts";
import { cacheHitRatio, errorRatio, perSecond } from "../../../components/charts/traffic-ratios.ts";

/** Rates in the table are averaged over this many newest ticks, so they do not jump each second. */
const AVERAGED_TICKS = 10;

export interface TrafficRowKey {
  id: string;
  name: string;
  detail?: string;
}

interface LiveRow {
  counters: TrafficCounters;
  latency: LatencySummary | undefined;
}

function liveRows(
  ticks: readonly LiveTick[],
  entriesOf: (tick: LiveTick) => readonly (TrafficCounters & { latency: LatencySummary; id: string })[],
): { rows: Map<string, LiveRow>; spanMs: number } {
  const recent = ticks.slice(-AVERAGED_TICKS);
  const rows = new Map<string, LiveRow>();
  let spanMs = 0;
  for (const tick of recent) {
    spanMs += tick.intervalMs;
    for (const entry of entriesOf(tick)) {
      const row = rows.get(entry.id) ?? { counters: emptyCounters(), latency: undefined };
      addCounters(row.counters, entry);
      // Percentiles do not add up across seconds: show the newest second that had requests.
      if (entry.requests > 0) row.latency = entry.latency;
      rows.set(entry.id, row);
    }
  }
  return { rows, spanMs };
}

/**
 * Live traffic per route or per pool. Rows come from the configuration, so a quiet route still
 * shows; traffic for something no longer configured (or no route at all) is listed after them.
 */
export function OverviewTrafficTable({
  caption,
  configured,
  ticks,
  entriesOf,
  nameOf,
  testId,
}: {
  caption: string;
  configured: readonly TrafficRowKey[];
  ticks: readonly LiveTick[];
  entriesOf: (tick: LiveTick) => readonly (TrafficCounters & { latency: LatencySummary; id: string })[];
  nameOf: (id: string) => string;
  testId: string;
}) {
  const { rows, spanMs } = liveRows(ticks, entriesOf);
  const known = new Set(configured.map((row) => row.id));
  const keys: TrafficRowKey[] = [
    ...configured,
    ...[...rows.keys()].filter((id) => !known.has(id)).map((id) => ({ id, name: nameOf(id) })),
  ];

  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className="border-b border-slate-200 text-left text-xs text-slate-600 uppercase dark:border-slate-700 dark:text-slate-400">
            <th scope="col" className="py-2 pr-3 font-medium">Name</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Requests</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">5xx</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">p50</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">p99</th>
            <th scope="col" className="py-2 text-right font-medium">Cache hits</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 tabular-nums dark:divide-slate-800">
          {keys.length === 0 && (
            <tr>
              <td colSpan={6} className="py-3 text-slate-600 dark:text-slate-400">
                Nothing configured yet.
              </td>
            </tr>
          )}
          {keys.map((key) => {
            const row = rows.get(key.id);
            const counters = row?.counters ?? emptyCounters();
            const hits = cacheHitRatio(counters);
            return (
              <tr key={key.id} data-testid={`${testId}-row`}>
                <th scope="row" className="py-2 pr-3 text-left font-normal">
                  <span className="font-medium text-slate-900 dark:text-slate-100">{key.name}</span>
                  {key.detail !== undefined && (
                    <span className="block font-mono text-xs text-slate-600 dark:text-slate-400">
                      {key.detail}
                    </span>
                  )}
                </th>
                <td className="py-2 pr-3 text-right">{formatRate(perSecond(counters.requests, spanMs))}</td>
                <td className="py-2 pr-3 text-right">{formatPercent(errorRatio(counters))}</td>
                <td className="py-2 pr-3 text-right">{row?.latency ? formatMs(row.latency.p50Ms) : "–"}</td>
                <td className="py-2 pr-3 text-right">{row?.latency ? formatMs(row.latency.p99Ms) : "–"}</td>
                <td className="py-2 text-right">{Number.isNaN(hits) ? "–" : formatPercent(hits)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
