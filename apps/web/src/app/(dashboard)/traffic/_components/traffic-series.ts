import {
  addErrorCauses,
  type ErrorCauseCounts,
  type TrafficPoint,
  type TrafficResponse,
} from "@concierge/config/traffic";
import type uPlot from "uplot";

import { orGap } from "../../../../components/charts/traffic-ratios.ts";

/** More series than this make a chart unreadable; the busiest ones are drawn. */
export const MAX_CHARTED_SERIES = 6;

export type PointMetric = (point: TrafficPoint) => number;

export const METRICS = {
  requests: (point) => point.requests,
  errors: (point) => point.errors,
  p50: (point) => (point.requests === 0 ? Number.NaN : point.p50Ms),
  p95: (point) => (point.requests === 0 ? Number.NaN : point.p95Ms),
  p99: (point) => (point.requests === 0 ? Number.NaN : point.p99Ms),
  cacheRatio: (point) => {
    const lookups = point.cacheHits + point.cacheMisses;
    return lookups === 0 ? Number.NaN : point.cacheHits / lookups;
  },
  bytesOut: (point) => point.bytesOut,
  bytesSaved: (point) => point.bytesSaved,
} satisfies Record<string, PointMetric>;

/** Failed requests of the whole range by cause, every series and step added up. */
export function causeTotals(response: TrafficResponse): ErrorCauseCounts {
  const totals: ErrorCauseCounts = {};
  for (const series of response.series) {
    for (const point of series.points) addErrorCauses(totals, point.errorCauses);
  }
  return totals;
}

/** The busiest series first, cut to what a chart can show. */
export function chartedSeries(response: TrafficResponse): TrafficResponse["series"] {
  const total = (series: TrafficResponse["series"][number]) =>
    series.points.reduce((sum, point) => sum + point.requests, 0);
  return [...response.series].sort((a, b) => total(b) - total(a)).slice(0, MAX_CHARTED_SERIES);
}

/** `[unixSeconds[], one column per series]` for one metric; gaps where it has no value. */
export function metricColumns(
  series: TrafficResponse["series"],
  metric: PointMetric,
): uPlot.AlignedData {
  const first = series[0]?.points ?? [];
  const at = first.map((point) => Date.parse(point.t) / 1000);
  return [at, ...series.map((entry) => entry.points.map((point) => orGap(metric(point))))];
}
