"use client";

import type { LiveTick } from "@concierge/config/realtime";
import type { Pool } from "@concierge/config/pool";
import type { Route } from "@concierge/config/route";
import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";

import { fetchJson } from "../../../client/fetch-json.ts";
import { poolKeys, routeKeys } from "../../../client/query-keys.ts";
import { Panel } from "../../../components/charts/panel.tsx";
import { useLiveOverview } from "../../../hooks/use-live-overview.ts";
import { OverviewCharts } from "./overview-charts.tsx";
import { OverviewFailureCauses } from "./overview-failure-causes.tsx";
import { OverviewLiveBadge } from "./overview-live-badge.tsx";
import { OverviewNodePicker } from "./overview-node-picker.tsx";
import { OverviewStats } from "./overview-stats.tsx";
import { OverviewTrafficTable } from "./overview-traffic-table.tsx";

const WINDOWS = [
  { seconds: 5 * 60, label: "last 5 min" },
  { seconds: 15 * 60, label: "last 15 min" },
] as const;

const routeEntries = (tick: LiveTick) => tick.routes.map((route) => ({ ...route, id: route.routeId }));
const poolEntries = (tick: LiveTick) => tick.pools.map((pool) => ({ ...pool, id: pool.poolId }));

/** Names for ids that only live traffic knows: the proxy's own 404s, or something since deleted. */
function liveNames(ticks: readonly LiveTick[]) {
  const names = new Map<string, string>();
  for (const tick of ticks.slice(-10)) {
    for (const route of tick.routes) names.set(route.routeId, route.name);
    for (const pool of tick.pools) names.set(pool.poolId, pool.name);
  }
  return (id: string) => (id === "" ? "No matching route" : names.get(id) || id);
}

export function Overview({ initialNodeId }: { initialNodeId: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const [nodeId, setNodeId] = useState(initialNodeId);
  const [windowIndex, setWindowIndex] = useState<number>(0);
  const window = WINDOWS[windowIndex] ?? WINDOWS[0];
  const live = useLiveOverview(nodeId);
  const ticks = live.data?.ticks ?? [];

  const pools = useQuery({
    queryKey: poolKeys.list(),
    queryFn: ({ signal }) => fetchJson<Pool[]>("/api/v1/pools", { signal }),
  });
  const routes = useQuery({
    queryKey: routeKeys.list(),
    queryFn: ({ signal }) => fetchJson<Route[]>("/api/v1/routes", { signal }),
  });
  const poolNames = new Map(pools.data?.map((pool) => [pool.id, pool.name]));
  const nameOf = liveNames(ticks);

  function chooseNode(next: string) {
    setNodeId(next);
    // The URL keeps the node, so a view can be shared; replace() adds no history entry per pick.
    router.replace(next === "all" ? pathname : `${pathname}?node=${encodeURIComponent(next)}`);
  }

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-3">
          <h1 className="text-xl font-semibold text-slate-900 dark:text-slate-50">Overview</h1>
          <OverviewLiveBadge />
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <OverviewNodePicker nodeId={nodeId} onChange={chooseNode} />
          <div role="group" aria-label="Time window" className="flex overflow-hidden rounded-md border border-slate-300 text-sm dark:border-slate-600">
            {WINDOWS.map((option, index) => (
              <button
                key={option.seconds}
                type="button"
                aria-pressed={index === windowIndex}
                onClick={() => setWindowIndex(index)}
                className="px-2 py-1 text-slate-700 aria-pressed:bg-slate-900 aria-pressed:text-white dark:text-slate-300 dark:aria-pressed:bg-slate-100 dark:aria-pressed:text-slate-900"
              >
                {option.label}
              </button>
            ))}
          </div>
        </div>
      </div>

      {live.isError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          Live numbers are unavailable: {live.error.message}
        </p>
      )}
      {live.isSuccess && ticks.length === 0 && (
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="no-live-data">
          No proxy node has reported traffic in the last 15 minutes. Numbers appear here within a
          second of a node connecting.
        </p>
      )}

      <OverviewStats ticks={ticks.slice(-window.seconds)} windowLabel={window.label} />
      <OverviewFailureCauses ticks={ticks} />

      <Panel title="Traffic">
        <OverviewCharts ticks={ticks} windowSeconds={window.seconds} />
      </Panel>

      <div className="grid gap-6 xl:grid-cols-2">
        <Panel title="Routes">
          <OverviewTrafficTable
            caption="Live traffic per route"
            configured={(routes.data ?? []).map((route) => ({
              id: route.id,
              name: route.name,
              detail: `${route.hosts.join(", ")}${route.pathPrefix} → ${poolNames.get(route.poolId) ?? route.poolId}`,
            }))}
            ticks={ticks}
            entriesOf={routeEntries}
            nameOf={nameOf}
            testId="route-table"
          />
        </Panel>
        <Panel title="Upstream pools">
          <OverviewTrafficTable
            caption="Live traffic per upstream pool"
            configured={(pools.data ?? []).map((pool) => ({
              id: pool.id,
              name: pool.name,
              detail: `${pool.algorithm} · ${pool.targets.length} ${pool.targets.length === 1 ? "target" : "targets"}`,
            }))}
            ticks={ticks}
            entriesOf={poolEntries}
            nameOf={nameOf}
            testId="pool-table"
          />
        </Panel>
      </div>
    </div>
  );
}
