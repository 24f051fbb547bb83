import type { UseQueryResult } from "@tanstack/react-query";

import { Notice } from "../../../components/ui/notice.tsx";

/** Loading and failure states of a query, so pages only render the data case. */
export function QueryState({ query }: { query: Pick<UseQueryResult, "isPending" | "isError" | "error"> }) {
  if (query.isPending) return <p className="text-sm text-slate-500 dark:text-slate-400">Loading…</p>;
  if (query.isError) return <Notice tone="error">{query.error?.message ?? "Loading failed"}</Notice>;
  return null;
}
