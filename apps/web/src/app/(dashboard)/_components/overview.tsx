"use client";

import type { Pool } from "@concierge/config/pool";
import type { Route } from "@concierge/config/route";
import { useQuery } from "@tanstack/react-query";

import { fetchJson } from "../../../client/fetch-json.ts";
import { poolKeys, routeKeys } from "../../../client/query-keys.ts";
import { Card } from "../../../components/ui/card.tsx";

export function Overview() {
  const pools = useQuery({
    queryKey: poolKeys.list(),
    queryFn: ({ signal }) => fetchJson<Pool[]>("/api/v1/pools", { signal }),
  });
  const routes = useQuery({
    queryKey: routeKeys.list(),
    queryFn: ({ signal }) => fetchJson<Route[]>("/api/v1/routes", { signal }),
  });
  const poolNames = new Map(pools.data?.map((pool) => [pool.id, pool.name]));

  return (
    <div className="grid gap-6 md:grid-cols-2">
      <Card title="Routes">
        {routes.isPending && <p className="text-sm text-slate-500">Loading…</p>}
        {routes.isError && <p className="text-sm text-red-700">{routes.error.message}</p>}
        {routes.data?.length === 0 && <p className="text-sm text-slate-500">No routes yet.</p>}
        <ul className="divide-y divide-slate-100">
          {routes.data?.map((route) => (
            <li key={route.id} className="py-2 text-sm" data-testid="route-item">
              <span className="font-medium">{route.name}</span>{" "}
              <span className="font-mono text-slate-600">
                {route.hosts.join(", ")}
                {route.pathPrefix}
              </span>{" "}
              → {poolNames.get(route.poolId) ?? route.poolId}
            </li>
          ))}
        </ul>
      </Card>
      <Card title="Upstream pools">
        {pools.isPending && <p className="text-sm text-slate-500">Loading…</p>}
        {pools.isError && <p className="text-sm text-red-700">{pools.error.message}</p>}
        {pools.data?.length === 0 && <p className="text-sm text-slate-500">No pools yet.</p>}
        <ul className="divide-y divide-slate-100">
          {pools.data?.map((pool) => (
            <li key={pool.id} className="py-2 text-sm" data-testid="pool-item">
              <span className="font-medium">{pool.name}</span>{" "}
              <span className="text-slate-600">
                {pool.algorithm} · {pool.targets.length}{" "}
                {pool.targets.length === 1 ? "target" : "targets"}
              </span>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
