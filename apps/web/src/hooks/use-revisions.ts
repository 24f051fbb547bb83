"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";

import { fetchJson } from "../client/fetch-json.ts";
import { revisionKeys } from "../client/query-keys.ts";

export interface RevisionSummary {
  number: number;
  summary: string;
  message: string | null;
  actor: { id: string; email: string } | null;
  createdAt: string;
}

export interface RevisionDetail extends RevisionSummary {
  snapshot: unknown;
}

const PAGE_SIZE = 50;

/** Newest first, a page at a time. */
export function useRevisions() {
  return useInfiniteQuery({
    queryKey: revisionKeys.list(),
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam, signal }) =>
      fetchJson<RevisionSummary[]>(
        `/api/v1/revisions?limit=${PAGE_SIZE}${pageParam === undefined ? "" : `&before=${pageParam}`}`,
        { signal },
      ),
    getNextPageParam: (page) => (page.length < PAGE_SIZE ? undefined : page.at(-1)?.number),
  });
}

export function useRevision(revision: number | undefined) {
  return useQuery({
    queryKey: revisionKeys.detail(revision ?? 0),
    queryFn: ({ signal }) => fetchJson<RevisionDetail>(`/api/v1/revisions/${revision}`, { signal }),
    enabled: revision !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
  });
}
