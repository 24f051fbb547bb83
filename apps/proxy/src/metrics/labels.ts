import type { CacheOutcome } from "../origin.ts";

export const STATUS_CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"] as const;
export const CACHE_OUTCOMES = ["hit", "miss", "stale", "revalidated", "bypass", "none"] as const;

export const CACHE_INDEX = {
  hit: 0,
  miss: 1,
  stale: 2,
  revalidated: 3,
  bypass: 4,
  none: 5,
} as const satisfies Record<CacheOutcome, number>;

export function statusClassIndex(status: number): number {
  return Math.min(Math.max(Math.floor(status / 100) - 1, 0), STATUS_CLASSES.length - 1);
}

/** Prometheus label values escape backslash, double quote and newline. */
export function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}
