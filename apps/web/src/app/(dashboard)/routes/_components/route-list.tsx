"use client";

import type { Route } from "@concierge/config/route";
import Link from "next/link";

import { DataTable, type Column } from "../../../../components/ui/data-table.tsx";
import { useCan } from "../../../../hooks/use-actor.ts";
import { usePools } from "../../../../hooks/use-pools.ts";
import { useRoutes } from "../../../../hooks/use-routes.ts";
import { QueryState } from "../../_components/query-state.tsx";

export function RouteList() {
  const canEdit = useCan("editor");
  const routes = useRoutes();
  const pools = usePools();
  const poolName = (poolId: string) =>
    pools.data?.find((pool) => pool.id === poolId)?.name ?? poolId;

  const columns: Column<Route>[] = [
    {
      key: "name",
      header: "Name",
      sortValue: (route) => route.name,
      cell: (route) => (
        <Link href={`/routes/${route.id}`} className="font-medium text-sky-800 underline dark:text-sky-300">
          {route.name}
        </Link>
      ),
    },
    {
      key: "match",
      header: "Hosts and path",
      sortValue: (route) => `${route.hosts[0] ?? ""}${route.pathPrefix}`,
      cell: (route) => (
        <span className="font-mono">
          {route.hosts.join(", ")} {route.pathPrefix}
        </span>
      ),
    },
    { key: "methods", header: "Methods", cell: (route) => route.methods?.join(", ") ?? "any" },
    { key: "priority", header: "Priority", sortValue: (route) => route.priority, cell: (route) => route.priority },
    { key: "pool", header: "Pool", sortValue: (route) => poolName(route.poolId), cell: (route) => poolName(route.poolId) },
    { key: "cache", header: "Cache", cell: (route) => (route.cache.enabled ? "on" : "off") },
  ];

  if (!routes.data) return <QueryState query={routes} />;
  return (
    <DataTable
      label="routes"
      rows={routes.data}
      columns={columns}
      rowKey={(route) => route.id}
      searchText={(route) => `${route.name} ${route.hosts.join(" ")} ${route.pathPrefix} ${poolName(route.poolId)}`}
      initialSort={{ key: "name", direction: "asc" }}
      empty={
        canEdit ? (
          <>
            No routes yet: the proxy answers 404 to everything.{" "}
            {pools.data?.length === 0 ? (
              <>
                <Link href="/pools/new" className="underline">Create a pool</Link> first, then add a route to it.
              </>
            ) : (
              <Link href="/routes/new" className="underline">Add the first route</Link>
            )}
          </>
        ) : (
          "No routes yet. Ask an editor to add one."
        )
      }
    />
  );
}
