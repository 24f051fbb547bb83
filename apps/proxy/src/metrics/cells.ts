import { LATENCY_BUCKET_COUNT } from "@concierge/config/realtime";
import { ERROR_CAUSE_COUNT } from "@concierge/config/traffic";

import { CACHE_OUTCOMES, STATUS_CLASSES } from "./labels.ts";

/**
 * One cell is the traffic of one route × target × status class × cache status, laid out as a
 * flat Float64Array so recording is index arithmetic and an interval's delta is a subtraction.
 */
export const CELL = {
  requests: 0,
  bytesIn: 1,
  bytesOut: 2,
  bytesSaved: 3,
  coalesced: 4,
  originMsSaved: 5,
  latencySumMs: 6,
  /** LATENCY_BUCKET_COUNT counts of total time, then as many of upstream time. */
  latency: 7,
  upstream: 7 + LATENCY_BUCKET_COUNT,
  /** ERROR_CAUSE_COUNT counts of failed requests, indexed as ERROR_CAUSES. */
  errorCauses: 7 + 2 * LATENCY_BUCKET_COUNT,
} as const;
export const CELL_WIDTH = CELL.errorCauses + ERROR_CAUSE_COUNT;

export const CELLS_PER_TARGET = STATUS_CLASSES.length * CACHE_OUTCOMES.length;

export function cellIndex(statusClass: number, cacheOutcome: number): number {
  return statusClass * CACHE_OUTCOMES.length + cacheOutcome;
}

export function statusClassOfCell(index: number): (typeof STATUS_CLASSES)[number] {
  return STATUS_CLASSES[Math.floor(index / CACHE_OUTCOMES.length)] ?? "5xx";
}

export function cacheOutcomeOfCell(index: number): (typeof CACHE_OUTCOMES)[number] {
  return CACHE_OUTCOMES[index % CACHE_OUTCOMES.length] ?? "none";
}

/** `array[index] += value`, for typed arrays read with noUncheckedIndexedAccess. */
export function addAt(array: Float64Array, index: number, value: number): void {
  array[index] = (array[index] ?? 0) + value;
}
