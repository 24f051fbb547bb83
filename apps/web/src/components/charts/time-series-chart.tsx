"use client";

import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

import { chartChrome, seriesStyle } from "./palette.ts";
import { usePrefersDark } from "./use-prefers-dark.ts";

export interface ChartSeries {
  label: string;
  format: (value: number) => string;
}

/** A vertical mark on the time axis, e.g. a config revision applied at that time. */
export interface ChartMarker {
  /** Unix seconds. */
  at: number;
  label: string;
}

/**
 * The visible time range, fixed so that new points slide in instead of rescaling the chart:
 * `trailingSeconds` follows the newest point (live), `from`/`to` (unix seconds) is a fixed range.
 */
export type ChartWindow = { trailingSeconds: number } | { from: number; to: number };

export interface TimeSeriesChartProps {
  /** Names the chart for assistive technology; the legend names each series. */
  title: string;
  series: readonly ChartSeries[];
  /** `[unixSeconds[], ...one array per series]`, all the same length; null is a gap. */
  data: uPlot.AlignedData;
  window: ChartWindow;
  markers?: readonly ChartMarker[];
  /** Top of the value axis when it has a natural one (1 for ratios); otherwise it follows the data. */
  yMax?: number;
  height?: number;
  testId?: string;
}

function xRange(window: ChartWindow, xs: ArrayLike<number>): [number, number] {
  if ("from" in window) return [window.from, window.to];
  const newest = xs.length > 0 ? (xs[xs.length - 1] ?? 0) : Date.now() / 1000;
  return [newest - window.trailingSeconds, newest];
}

function drawMarkers(chart: uPlot, markers: readonly ChartMarker[], colour: string): void {
  const { ctx, bbox } = chart;
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = uPlot.pxRatio;
  ctx.setLineDash([4 * uPlot.pxRatio, 3 * uPlot.pxRatio]);
  ctx.font = `${11 * uPlot.pxRatio}px system-ui, sans-serif`;
  for (const marker of markers) {
    const x = Math.round(chart.valToPos(marker.at, "x", true));
    if (x < bbox.left || x > bbox.left + bbox.width) continue;
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
    ctx.fillText(marker.label, x + 3 * uPlot.pxRatio, bbox.top + 11 * uPlot.pxRatio);
  }
  ctx.restore();
}

/**
 * A uPlot time-series chart. The chart is created once (again only when the colour scheme or
 * the series change); new data is written into it in place, so a 1 s live update neither
 * flickers nor re-mounts.
 */
export function TimeSeriesChart({
  title,
  series,
  data,
  window,
  markers = [],
  yMax,
  height = 180,
  testId,
}: TimeSeriesChartProps) {
  const dark = usePrefersDark();
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  // Read by uPlot's callbacks, so changing them needs no new chart.
  const current = useRef({ data, window, markers });
  current.current = { data, window, markers };
  const seriesKey = series.map((entry) => entry.label).join("\u0000");

  useEffect(() => {
    const element = container.current;
    if (element === null) return;
    const chrome = chartChrome(dark);
    // Every series of one chart shares a unit, so the first one's format labels the axis.
    const formatAxis = series[0]?.format ?? String;
    const axis = {
      stroke: chrome.axis,
      grid: { stroke: chrome.grid, width: 1 },
      ticks: { stroke: chrome.grid, width: 1 },
    };
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 200),
      height,
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: (self) => xRange(current.current.window, self.data[0]) },
        y: { range: (_self, _min, max) => [0, yMax ?? (max > 0 ? max * 1.1 : 1)] },
      },
      axes: [axis, { ...axis, size: 64, values: (_self, ticks) => ticks.map(formatAxis) }],
      series: [
        {},
        ...series.map((entry, index) => {
          const style = seriesStyle(index, dark);
          return {
            label: entry.label,
            stroke: style.stroke,
            dash: style.dash,
            width: 2,
            // uPlot's default: dots only where points are sparse, so a lone value between gaps shows.
            value: (_self: uPlot, value: number | null) =>
              value === null ? "–" : entry.format(value),
          };
        }),
      ],
      hooks: {
        draw: [(self) => drawMarkers(self, current.current.markers, chrome.marker)],
      },
    };
    const created = new uPlot(options, current.current.data, element);
    chart.current = created;
    const resize = new ResizeObserver(() => {
      created.setSize({ width: Math.max(element.clientWidth, 200), height });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      created.destroy();
      chart.current = null;
    };
    // `series` is compared by its labels: a new array with the same series keeps the chart.
  }, [dark, height, seriesKey, yMax]);

  useEffect(() => {
    chart.current?.setData(data);
  }, [data, window, markers]);

  return (
    <figure className="min-w-0" data-testid={testId}>
      <figcaption className="mb-1 text-sm font-medium text-slate-700 dark:text-slate-200">
        {title}
      </figcaption>
      <div ref={container} role="img" aria-label={title} className="w-full" />
    </figure>
  );
}
