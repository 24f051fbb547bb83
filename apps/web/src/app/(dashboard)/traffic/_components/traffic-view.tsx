"use client";

import { TRAFFIC_GROUP_BYS, type TrafficResponse } from "@concierge/config/traffic";
import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useMemo, useState } from "react";

import { fetchJson } from "../../../../client/fetch-json.ts";
import { formatBytes, formatCount, formatMs, formatPercent } from "../../../../components/charts/format.ts";
import { Panel } from "../../../../components/charts/panel.tsx";
import {
  TimeSeriesChart,
  type ChartMarker,
  type ChartSeries,
} from "../../../../components/charts/time-series-chart.tsx";
import { RecentRequests } from "./recent-requests.tsx";
import { TrafficRangePicker } from "./traffic-range-picker.tsx";
import {
  GROUP_LABELS,
  resolveRange,
  trafficViewSearch,
  type TrafficView as View,
} from "./traffic-range.ts";
import { causeTotals, chartedSeries, metricColumns, METRICS, type PointMetric } from "./traffic-series.ts";

const PERCENTILES = { p50: METRICS.p50, p95: METRICS.p95, p99: METRICS.p99 } as const;
/** Config changes are marked from the newest audit entries; older ones are not looked up. */
const AUDIT_LOOKBACK = 200;

const trafficKeys = {
  all: ["traffic"] as const,
  history: (search: string, requestedAt: number) => [...trafficKeys.all, search, requestedAt] as const,
};
const auditKeys = { recent: ["audit", "recent", AUDIT_LOOKBACK] as const };

/** The part of an audit entry (`GET /api/v1/audit`) that places a revision on the time axis. */
interface AuditEntry {
  revision: number | null;
  createdAt: string;
}

function revisionMarkers(entries: readonly AuditEntry[], from: Date, to: Date): ChartMarker[] {
  return entries.flatMap((entry) => {
    if (entry.revision === null) return [];
    const at = Date.parse(entry.createdAt);
    if (at < from.getTime() || at > to.getTime()) return [];
    return [{ at: at / 1000, label: `rev ${entry.revision}` }];
  });
}

export function TrafficView({ initialView }: { initialView: View }) {
  const router = useRouter();
  const pathname = usePathname();
  const [view, setView] = useState(initialView);
  const [percentile, setPercentile] = useState<keyof typeof PERCENTILES>("p95");
  // A preset range ends "now": pinned when the view is chosen, moved on by Refresh.
  const [requestedAt, setRequestedAt] = useState(() => Date.now());
  const search = trafficViewSearch(view);
  const { from, to } = useMemo(() => resolveRange(view, requestedAt), [view, requestedAt]);

  const history = useQuery({
    queryKey: trafficKeys.history(search, requestedAt),
    queryFn: ({ signal }) =>
      fetchJson<TrafficResponse>(
        `/api/v1/traffic?${new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), groupBy: view.groupBy })}`,
        { signal },
      ),
    placeholderData: (previous) => previous,
  });
  const audit = useQuery({
    queryKey: auditKeys.recent,
    queryFn: ({ signal }) => fetchJson<AuditEntry[]>(`/api/v1/audit?limit=${AUDIT_LOOKBACK}`, { signal }),
  });

  function show(next: View) {
    setView(next);
    setRequestedAt(Date.now());
    router.replace(`${pathname}?${trafficViewSearch(next)}`, { scroll: false });
  }

  const series = useMemo(() => (history.data ? chartedSeries(history.data) : []), [history.data]);
  const markers = useMemo(() => revisionMarkers(audit.data ?? [], from, to), [audit.data, from, to]);
  const window = useMemo(() => ({ from: from.getTime() / 1000, to: to.getTime() / 1000 }), [from, to]);
  const charts = useMemo(() => {
    const labelled = (format: (value: number) => string): ChartSeries[] =>
      series.map((entry) => ({ label: entry.label || entry.key || "none", format }));
    const chart = (metric: PointMetric, format: (value: number) => string) => ({
      series: labelled(format),
      data: metricColumns(series, metric),
    });
    return {
      requests: chart(METRICS.requests, formatCount),
      errors: chart(METRICS.errors, formatCount),
      latency: chart(PERCENTILES[percentile], formatMs),
      cache: chart(METRICS.cacheRatio, formatPercent),
      bytes: chart(METRICS.bytesOut, formatBytes),
      saved: chart(METRICS.bytesSaved, formatBytes),
    };
  }, [series, percentile]);
  const step = history.data?.stepSeconds;
  const per = step === undefined ? "" : step >= 3600 ? ` per ${step / 3600} h` : ` per ${step / 60} min`;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-xl font-semibold text-slate-900 dark:text-slate-50">Traffic history</h1>
        <div className="flex flex-wrap items-end gap-3">
          <TrafficRangePicker view={view} from={from} to={to} onChange={show} />
          <label className="flex flex-col text-xs text-slate-600 dark:text-slate-400">
            Group by
            <select
              className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100"
              value={view.groupBy}
              onChange={(event) => {
                const groupBy = TRAFFIC_GROUP_BYS.find((option) => option === event.target.value) ?? "route";
                show({ ...view, groupBy });
              }}
              data-testid="group-by"
            >
              {TRAFFIC_GROUP_BYS.map((option) => (
                <option key={option} value={option}>{GROUP_LABELS[option]}</option>
              ))}
            </select>
          </label>
          <button
            type="button"
            onClick={() => setRequestedAt(Date.now())}
            className="rounded-md border border-slate-300 px-3 py-1 text-sm text-slate-800 hover:bg-slate-100 dark:border-slate-600 dark:text-slate-200 dark:hover:bg-slate-800"
          >
            Refresh
          </button>
        </div>
      </div>

      {history.isError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">{history.error.message}</p>
      )}
      {history.isSuccess && history.data.series.length === 0 && (
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="traffic-empty">
          No traffic was recorded in this range.
        </p>
      )}
      {history.data !== undefined && history.data.series.length > series.length && (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Showing the {series.length} busiest of {history.data.series.length} groups.
        </p>
      )}
      {markers.length > 0 && (
        <p className="text-xs text-slate-600 dark:text-slate-400">
          Dashed vertical lines mark config revisions applied in this range.
        </p>
      )}

      <Panel title={`By ${GROUP_LABELS[view.groupBy].toLowerCase()}`}>
        <div className="grid gap-4 lg:grid-cols-2" data-testid="traffic-charts">
          <TimeSeriesChart title={`Requests${per}`} {...charts.requests} window={window} markers={markers} testId="traffic-requests" />
          <TimeSeriesChart title={`Errors (5xx)${per}`} {...charts.errors} window={window} markers={markers} />
          <div>
            <TimeSeriesChart title={`Latency ${percentile}`} {...charts.latency} window={window} markers={markers} />
            <div role="group" aria-label="Latency percentile" className="mt-1 flex gap-1 text-xs">
              {(Object.keys(PERCENTILES) as (keyof typeof PERCENTILES)[]).map((option) => (
                <button
                  key={option}
                  type="button"
                  aria-pressed={option === percentile}
                  onClick={() => setPercentile(option)}
                  className="rounded border border-slate-300 px-2 py-0.5 text-slate-700 aria-pressed:bg-slate-900 aria-pressed:text-white dark:border-slate-600 dark:text-slate-300 dark:aria-pressed:bg-slate-100 dark:aria-pressed:text-slate-900"
                >
                  {option}
                </button>
              ))}
            </div>
          </div>
          <TimeSeriesChart title="Cache hit ratio" {...charts.cache} window={window} markers={markers} yMax={1} />
          <TimeSeriesChart title={`Bytes sent${per}`} {...charts.bytes} window={window} markers={markers} />
          <TimeSeriesChart title={`Bytes served from cache${per}`} {...charts.saved} window={window} markers={markers} />
        </div>
      </Panel>
      <RecentRequests from={from} to={to} causes={history.data ? causeTotals(history.data) : {}} />
      <p className="text-xs text-slate-600 dark:text-slate-400">
        Times are shown in your browser&apos;s time zone.
      </p>
    </div>
  );
}
