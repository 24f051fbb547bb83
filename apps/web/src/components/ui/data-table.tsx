"use client";

import { useMemo, useState, type ReactNode } from "react";

import { CONTROL_CLASS } from "./field-shell.tsx";

export interface Column<Row> {
  key: string;
  header: string;
  cell: (row: Row) => ReactNode;
  /** Present: the column can be sorted by this value. */
  sortValue?: (row: Row) => string | number;
}

type Sort = { key: string; direction: "asc" | "desc" };

/**
 * A table with a search box over `searchText` and sortable headers. `empty` is shown when there
 * are no rows at all and should say what to do next; a search with no hits says so itself.
 */
export function DataTable<Row>({
  label,
  rows,
  columns,
  rowKey,
  searchText,
  empty,
  initialSort,
}: {
  label: string;
  rows: readonly Row[];
  columns: readonly Column<Row>[];
  rowKey: (row: Row) => string;
  searchText?: (row: Row) => string;
  empty: ReactNode;
  initialSort?: Sort;
}) {
  const [query, setQuery] = useState("");
  const [sort, setSort] = useState<Sort | undefined>(initialSort);

  const visible = useMemo(() => {
    const needle = query.trim().toLowerCase();
    const matching =
      needle === "" || searchText === undefined
        ? [...rows]
        : rows.filter((row) => searchText(row).toLowerCase().includes(needle));
    const sortValue = columns.find((column) => column.key === sort?.key)?.sortValue;
    if (sort === undefined || sortValue === undefined) return matching;
    const sign = sort.direction === "asc" ? 1 : -1;
    return matching.sort((a, b) => {
      const left = sortValue(a);
      const right = sortValue(b);
      if (typeof left === "number" && typeof right === "number") return (left - right) * sign;
      return String(left).localeCompare(String(right)) * sign;
    });
  }, [rows, columns, query, searchText, sort]);

  if (rows.length === 0) return <div className="py-6 text-sm text-slate-600 dark:text-slate-400">{empty}</div>;

  function toggleSort(key: string) {
    setSort((current) =>
      current?.key === key && current.direction === "asc"
        ? { key, direction: "desc" }
        : { key, direction: "asc" },
    );
  }

  return (
    <div className="space-y-3">
      {searchText && (
        <input
          type="search"
          aria-label={`Search ${label}`}
          placeholder={`Search ${label}…`}
          className={`${CONTROL_CLASS} max-w-xs text-sm`}
          value={query}
          onChange={(event) => setQuery(event.currentTarget.value)}
        />
      )}
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" aria-label={label}>
          <thead className="border-b border-slate-200 text-slate-600 dark:border-slate-700 dark:text-slate-300">
            <tr>
              {columns.map((column) => {
                const sorted = sort?.key === column.key ? sort.direction : undefined;
                return (
                  <th
                    key={column.key}
                    scope="col"
                    className="px-2 py-2 font-medium"
                    aria-sort={
                      sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined
                    }
                  >
                    {column.sortValue ? (
                      <button
                        type="button"
                        className="inline-flex items-center gap-1 rounded hover:underline focus-visible:outline-2 focus-visible:outline-sky-600"
                        onClick={() => toggleSort(column.key)}
                      >
                        {column.header}
                        <span aria-hidden="true">{sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}</span>
                      </button>
                    ) : (
                      column.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {visible.map((row) => (
              <tr key={rowKey(row)} data-testid="table-row">
                {columns.map((column) => (
                  <td key={column.key} className="px-2 py-2 align-top">
                    {column.cell(row)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {visible.length === 0 && (
          <p className="py-4 text-sm text-slate-600 dark:text-slate-400">
            Nothing matches “{query}”. Clear the search to see all {rows.length}.
          </p>
        )}
      </div>
    </div>
  );
}
