import type { LiveTick } from "@concierge/config/realtime";

import {
  formatBytes,
  formatCount,
  formatDuration,
  formatMs,
  formatPercent,
  formatRate,
} from "../../../components/charts/format.ts";
import { StatTile } from "../../../components/charts/stat-tile.tsx";
import { cacheHitRatio, errorRatio, perSecond } from "../../../components/charts/traffic-ratios.ts";

/** The newest second's rates, and what the cache saved over the ticks shown. */
export function OverviewStats({ ticks, windowLabel }: { ticks: readonly LiveTick[]; windowLabel: string }) {
  const latest = ticks.at(-1);
  const totals = latest?.totals;
  const intervalMs = latest?.intervalMs ?? 1000;
  let bytesSaved = 0;
  let originMsSaved = 0;
  for (const tick of ticks) {
    bytesSaved += tick.totals.bytesSaved;
    originMsSaved += tick.totals.originMsSaved;
  }
  const hitRatio = totals === undefined ? Number.NaN : cacheHitRatio(totals);

  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" data-testid="overview-stats">
      <StatTile
        label="Requests"
        value={formatRate(totals === undefined ? 0 : perSecond(totals.requests, intervalMs))}
        testId="stat-requests"
      />
      <StatTile
        label="Errors (5xx)"
        value={formatPercent(totals === undefined ? 0 : errorRatio(totals))}
        detail={`${formatRate(totals === undefined ? 0 : perSecond(totals.errors, intervalMs))}`}
        testId="stat-errors"
      />
      <StatTile
        label="Latency p50"
        value={formatMs(totals?.latency.p50Ms ?? 0)}
        detail={`p95 ${formatMs(totals?.latency.p95Ms ?? 0)} · p99 ${formatMs(totals?.latency.p99Ms ?? 0)}`}
        testId="stat-latency"
      />
      <StatTile
        label="Cache hit ratio"
        value={formatPercent(hitRatio)}
        detail={Number.isNaN(hitRatio) ? "no cache lookups" : "of cache lookups"}
        testId="stat-cache"
      />
      <StatTile
        label="Bytes saved"
        value={formatBytes(bytesSaved)}
        detail={`served from cache, ${windowLabel}`}
        testId="stat-bytes-saved"
      />
      <StatTile
        label="Origin time saved"
        value={formatDuration(originMsSaved)}
        detail={`${formatCount(totals?.clientConnections ?? 0)} client · ${formatCount(totals?.upstreamConnections ?? 0)} upstream conns`}
        testId="stat-time-saved"
      />
    </dl>
  );
}
