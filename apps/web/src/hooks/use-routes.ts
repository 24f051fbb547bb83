"use client";

import type { Route } from "@concierge/config/route";
import { useQuery } from "@tanstack/react-query";

import { fetchJson } from "../client/fetch-json.ts";
import { routeKeys } from "../client/query-keys.ts";

export function useRoutes() {
  return useQuery({
    queryKey: routeKeys.list(),
    queryFn: ({ signal }) => fetchJson<Route[]>("/api/v1/routes", { signal }),
  });
}

export function useRoute(routeId: string) {
  return useQuery({
    queryKey: routeKeys.detail(routeId),
    queryFn: ({ signal }) => fetchJson<Route>(`/api/v1/routes/${routeId}`, { signal }),
  });
}
