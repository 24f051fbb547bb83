"use client";

import type { Route } from "@concierge/config/route";
import Link from "next/link";

import { DataTable, type Column } from "../../../../components/ui/data-table.tsx";
import { useRoutes } from "../../../../hooks/use-routes.ts";
import { QueryState } from "../../_components/query-state.tsx";

function describeKeyQuery(keyQuery: Route["cache"]["keyQuery"]): string {
  return typeof keyQuery === "string" ? keyQuery : `only ${keyQuery.include.join(", ") || "(none listed)"}`;
}

const COLUMNS: Column<Route>[] = [
  {
    key: "route",
    header: "Route",
    sortValue: (route) => route.name,
    cell: (route) => (
      <Link href={`/routes/${route.id}`} className="font-medium text-sky-800 underline dark:text-sky-300">
        {route.name}
      </Link>
    ),
  },
  { key: "enabled", header: "Caching", sortValue: (route) => Number(route.cache.enabled), cell: (route) => (route.cache.enabled ? "on" : "off") },
  {
    key: "ttl",
    header: "TTL (default / override)",
    cell: (route) => `${route.cache.defaultTtlSeconds ?? "—"} / ${route.cache.ttlOverrideSeconds ?? "—"}`,
  },
  { key: "query", header: "Query in key", cell: (route) => describeKeyQuery(route.cache.keyQuery) },
  {
    key: "extra",
    header: "Headers / cookies in key",
    cell: (route) => [...route.cache.keyHeaders, ...route.cache.keyCookies].join(", ") || "—",
  },
  { key: "bypass", header: "Bypass cookies", cell: (route) => route.cache.bypassCookies.join(", ") || "—" },
  {
    key: "stale",
    header: "SWR / SIE (s)",
    cell: (route) => `${route.cache.staleWhileRevalidateSeconds} / ${route.cache.staleIfErrorSeconds}`,
  },
];

export function CacheRulesTable() {
  const routes = useRoutes();
  if (!routes.data) return <QueryState query={routes} />;
  return (
    <DataTable
      label="cache rules"
      rows={routes.data}
      columns={COLUMNS}
      rowKey={(route) => route.id}
      searchText={(route) => `${route.name} ${route.hosts.join(" ")} ${route.pathPrefix}`}
      initialSort={{ key: "route", direction: "asc" }}
      empty={
        <>
          No routes, so no cache rules. A cache rule belongs to a route:{" "}
          <Link href="/routes" className="underline">go to Routes</Link>.
        </>
      }
    />
  );
}
