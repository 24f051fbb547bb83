"use client";

import type { Pool } from "@concierge/config/pool";
import { useQuery } from "@tanstack/react-query";

import { fetchJson } from "../client/fetch-json.ts";
import { poolKeys } from "../client/query-keys.ts";

export function usePools() {
  return useQuery({
    queryKey: poolKeys.list(),
    queryFn: ({ signal }) => fetchJson<Pool[]>("/api/v1/pools", { signal }),
  });
}

export function usePool(poolId: string) {
  return useQuery({
    queryKey: poolKeys.detail(poolId),
    queryFn: ({ signal }) => fetchJson<Pool>(`/api/v1/pools/${poolId}`, { signal }),
  });
}
