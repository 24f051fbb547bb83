"use client";

import type { Pool } from "@concierge/config/pool";
import Link from "next/link";

import { DataTable, type Column } from "../../../../components/ui/data-table.tsx";
import { useCan } from "../../../../hooks/use-actor.ts";
import { usePools } from "../../../../hooks/use-pools.ts";
import { useRoutes } from "../../../../hooks/use-routes.ts";
import { QueryState } from "../../_components/query-state.tsx";

export function PoolList() {
  const canEdit = useCan("editor");
  const pools = usePools();
  const routes = useRoutes();
  const routeCount = (poolId: string) =>
    routes.data?.filter((route) => route.poolId === poolId).length ?? 0;

  const columns: Column<Pool>[] = [
    {
      key: "name",
      header: "Name",
      sortValue: (pool) => pool.name,
      cell: (pool) => (
        <Link href={`/pools/${pool.id}`} className="font-medium text-sky-800 underline dark:text-sky-300">
          {pool.name}
        </Link>
      ),
    },
    { key: "algorithm", header: "Algorithm", sortValue: (pool) => pool.algorithm, cell: (pool) => pool.algorithm },
    {
      key: "targets",
      header: "Targets (enabled / all)",
      sortValue: (pool) => pool.targets.length,
      cell: (pool) =>
        `${pool.targets.filter((target) => target.enabled && !target.draining).length} / ${pool.targets.length}`,
    },
    { key: "routes", header: "Routes", sortValue: (pool) => routeCount(pool.id), cell: (pool) => routeCount(pool.id) },
  ];

  if (!pools.data) return <QueryState query={pools} />;
  return (
    <DataTable
      label="pools"
      rows={pools.data}
      columns={columns}
      rowKey={(pool) => pool.id}
      searchText={(pool) => `${pool.name} ${pool.algorithm} ${pool.targets.map((target) => target.url).join(" ")}`}
      initialSort={{ key: "name", direction: "asc" }}
      empty={
        canEdit ? (
          <>
            No pools yet. A pool groups the origin servers a route sends traffic to —{" "}
            <Link href="/pools/new" className="underline">create the first pool</Link>.
          </>
        ) : (
          "No pools yet. Ask an editor to create one."
        )
      }
    />
  );
}
