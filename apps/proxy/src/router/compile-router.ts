import type { CompiledRoute } from "../config/compile-config.ts";

/**
 * Routes compiled for lookup without a scan: host tables by exact name, by wildcard suffix
 * and for `*`; inside each, candidates keyed by path prefix, already in the order they are
 * tried (priority, then method-restricted before unrestricted).
 */
export interface Router {
  readonly exact: ReadonlyMap<string, HostTable>;
  /** Keyed by the suffix with its leading dot: `*.example.com` → `.example.com`. */
  readonly wildcard: ReadonlyMap<string, HostTable>;
  readonly any: HostTable | undefined;
  readonly size: number;
}

/** Path prefix (no trailing slash, except `/` itself) → candidates in match order. */
export type HostTable = ReadonlyMap<string, readonly CompiledRoute[]>;

/** `/api/` and `/api` match the same requests: segment-wise. */
export function canonicalPrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}

function byMatchOrder(a: CompiledRoute, b: CompiledRoute): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return Number(a.methods === null) - Number(b.methods === null);
}

export function compileRouter(routes: readonly CompiledRoute[]): Router {
  const exact = new Map<string, Map<string, CompiledRoute[]>>();
  const wildcard = new Map<string, Map<string, CompiledRoute[]>>();
  let any: Map<string, CompiledRoute[]> | undefined;

  const tableFor = (pattern: string): Map<string, CompiledRoute[]> => {
    if (pattern === "*") return (any ??= new Map<string, CompiledRoute[]>());
    const [tables, key] = pattern.startsWith("*.")
      ? [wildcard, pattern.slice(1)]
      : [exact, pattern];
    let table = tables.get(key);
    if (!table) tables.set(key, (table = new Map<string, CompiledRoute[]>()));
    return table;
  };

  for (const route of routes) {
    for (const pattern of new Set(route.hosts)) {
      const table = tableFor(pattern);
      const candidates = table.get(route.pathPrefix);
      if (candidates) candidates.push(route);
      else table.set(route.pathPrefix, [route]);
    }
  }
  for (const tables of [exact.values(), wildcard.values(), any ? [any] : []]) {
    for (const table of tables)
      for (const candidates of table.values()) candidates.sort(byMatchOrder);
  }
  return { exact, wildcard, any, size: routes.length };
}
