"use client";

import { useInfiniteQuery } from "@tanstack/react-query";

import { fetchJson } from "../client/fetch-json.ts";
import { auditKeys, type AuditFilter } from "../client/query-keys.ts";

export interface AuditEntry {
  id: number;
  action: string;
  entityType: string;
  entityId: string | null;
  actor: { id: string; email: string } | null;
  revision: number | null;
  clientIp: string | null;
  before: unknown;
  after: unknown;
  createdAt: string;
}

const PAGE_SIZE = 50;

/** Newest first, a page at a time; empty filter fields filter nothing. */
export function useAudit(filter: AuditFilter) {
  return useInfiniteQuery({
    queryKey: auditKeys.list(filter),
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam, signal }) => {
      const query = new URLSearchParams({ ...filter, limit: String(PAGE_SIZE) });
      if (pageParam !== undefined) query.set("before", String(pageParam));
      return fetchJson<AuditEntry[]>(`/api/v1/audit?${query}`, { signal });
    },
    getNextPageParam: (page) => (page.length < PAGE_SIZE ? undefined : page.at(-1)?.id),
  });
}
