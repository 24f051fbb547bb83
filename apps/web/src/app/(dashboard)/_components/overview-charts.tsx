"use client";

import type { LiveTick } from "@concierge/config/realtime";
import { useMemo } from "react";
import type uPlot from "uplot";

import { formatCount, formatMs, formatPercent, formatRate } from "../../../components/charts/format.ts";
import { TimeSeriesChart, type ChartSeries } from "../../../components/charts/time-series-chart.tsx";
import {
  cacheHitRatio,
  errorRatio,
  orGap,
  perSecond,
} from "../../../components/charts/traffic-ratios.ts";

const TRAFFIC: ChartSeries[] = [
  { label: "Requests/s", format: formatRate },
  { label: "5xx/s", format: formatRate },
];
const ERRORS: ChartSeries[] = [{ label: "Error rate", format: formatPercent }];
const LATENCY: ChartSeries[] = [
  { label: "p50", format: formatMs },
  { label: "p95", format: formatMs },
  { label: "p99", format: formatMs },
];
const CACHE: ChartSeries[] = [{ label: "Hit ratio", format: formatPercent }];
const CONNECTIONS: ChartSeries[] = [
  { label: "Client connections", format: formatCount },
  { label: "Upstream connections", format: formatCount },
];

interface LiveColumns {
  traffic: uPlot.AlignedData;
  errors: uPlot.AlignedData;
  latency: uPlot.AlignedData;
  cache: uPlot.AlignedData;
  connections: uPlot.AlignedData;
}

function toColumns(ticks: readonly LiveTick[]): LiveColumns {
  const size = ticks.length;
  const at = new Array<number>(size);
  const requests = new Array<number>(size);
  const errors = new Array<number>(size);
  const errorRate = new Array<number>(size);
  const p50 = new Array<number | null>(size);
  const p95 = new Array<number | null>(size);
  const p99 = new Array<number | null>(size);
  const hitRatio = new Array<number | null>(size);
  const clients = new Array<number>(size);
  const upstream = new Array<number>(size);
  ticks.forEach((tick, index) => {
    const { totals, intervalMs } = tick;
    const quiet = totals.requests === 0;
    at[index] = tick.at / 1000;
    requests[index] = perSecond(totals.requests, intervalMs);
    errors[index] = perSecond(totals.errors, intervalMs);
    errorRate[index] = errorRatio(totals);
    // A second without requests has no latency: a gap, not a dip to zero.
    p50[index] = quiet ? null : totals.latency.p50Ms;
    p95[index] = quiet ? null : totals.latency.p95Ms;
    p99[index] = quiet ? null : totals.latency.p99Ms;
    hitRatio[index] = orGap(cacheHitRatio(totals));
    clients[index] = totals.clientConnections;
    upstream[index] = totals.upstreamConnections;
  });
  return {
    traffic: [at, requests, errors],
    errors: [at, errorRate],
    latency: [at, p50, p95, p99],
    cache: [at, hitRatio],
    connections: [at, clients, upstream],
  };
}

export function OverviewCharts({
  ticks,
  windowSeconds,
}: {
  ticks: readonly LiveTick[];
  windowSeconds: number;
}) {
  const columns = useMemo(() => toColumns(ticks), [ticks]);
  const window = useMemo(() => ({ trailingSeconds: windowSeconds }), [windowSeconds]);

  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <TimeSeriesChart title="Requests per second" series={TRAFFIC} data={columns.traffic} window={window} testId="chart-requests" />
      <TimeSeriesChart title="Latency" series={LATENCY} data={columns.latency} window={window} testId="chart-latency" />
      <TimeSeriesChart title="Error rate (5xx)" series={ERRORS} data={columns.errors} window={window} />
      <TimeSeriesChart title="Cache hit ratio" series={CACHE} data={columns.cache} window={window} yMax={1} />
      <TimeSeriesChart title="Connections" series={CONNECTIONS} data={columns.connections} window={window} />
    </div>
  );
}
