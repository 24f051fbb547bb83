"use client";

import type { LiveTick } from "@concierge/config/realtime";
import { useMemo, useState } from "react";
import type uPlot from "uplot";

import { formatCount, formatRate } from "../../../../components/charts/format.ts";
import { Panel } from "../../../../components/charts/panel.tsx";
import { StatTile } from "../../../../components/charts/stat-tile.tsx";
import { TimeSeriesChart, type ChartSeries } from "../../../../components/charts/time-series-chart.tsx";
import { perSecond } from "../../../../components/charts/traffic-ratios.ts";
import { useLiveOverview } from "../../../../hooks/use-live-overview.ts";
import { OverviewLiveBadge } from "../../_components/overview-live-badge.tsx";
import { OverviewNodePicker } from "../../_components/overview-node-picker.tsx";
import { ConnectionDiagram } from "./connection-diagram.tsx";
import { upstreamLinks } from "./upstream-links.ts";

const WINDOW = { trailingSeconds: 5 * 60 };
const OPEN: ChartSeries[] = [
  { label: "Client connections", format: formatCount },
  { label: "Upstream connections", format: formatCount },
];
const OPENED: ChartSeries[] = [{ label: "New upstream connections/s", format: formatRate }];

function toColumns(ticks: readonly LiveTick[]): { open: uPlot.AlignedData; opened: uPlot.AlignedData } {
  const at = ticks.map((tick) => tick.at / 1000);
  return {
    open: [at, ticks.map((tick) => tick.totals.clientConnections), ticks.map((tick) => tick.totals.upstreamConnections)],
    opened: [at, ticks.map((tick) => perSecond(tick.totals.newUpstreamConnections, tick.intervalMs))],
  };
}

export function ConnectionsView() {
  const [nodeId, setNodeId] = useState("all");
  const live = useLiveOverview(nodeId);
  const ticks = useMemo(() => live.data?.ticks ?? [], [live.data]);
  const latest = ticks.at(-1);
  const links = useMemo(() => upstreamLinks(ticks), [ticks]);
  const columns = useMemo(() => toColumns(ticks), [ticks]);
  const reuse = latest?.totals.requestsPerUpstreamConnection ?? null;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-3">
          <h1 className="text-xl font-semibold text-slate-900 dark:text-slate-50">Connections</h1>
          <OverviewLiveBadge />
        </div>
        <OverviewNodePicker nodeId={nodeId} onChange={setNodeId} />
      </div>
      <p className="max-w-3xl text-sm text-slate-700 dark:text-slate-300">
        The proxy keeps a few warm connections to each origin and reuses them for many requests, so
        origins skip TCP and TLS handshakes and see steady, small connection counts — even though
        clients open their own connections to the proxy.
      </p>
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <StatTile label="Client connections" value={formatCount(latest?.totals.clientConnections ?? 0)} testId="stat-client-connections" />
        <StatTile label="Upstream connections" value={formatCount(latest?.totals.upstreamConnections ?? 0)} testId="stat-upstream-connections" />
        <StatTile
          label="New upstream connections"
          value={formatRate(latest === undefined ? 0 : perSecond(latest.totals.newUpstreamConnections, latest.intervalMs))}
        />
        <StatTile
          label="Requests per upstream connection"
          value={reuse === null ? "–" : formatCount(reuse)}
          detail={reuse === null ? "no connection opened this second" : "requests per newly opened connection"}
          testId="stat-reuse"
        />
      </dl>
      <Panel title="Client → proxy → origins">
        <ConnectionDiagram totals={latest?.totals} links={links} />
      </Panel>
      <Panel title="Last 5 minutes">
        <div className="grid gap-4 lg:grid-cols-2">
          <TimeSeriesChart title="Open connections" series={OPEN} data={columns.open} window={WINDOW} />
          <TimeSeriesChart title="New upstream connections" series={OPENED} data={columns.opened} window={WINDOW} />
        </div>
      </Panel>
    </div>
  );
}
