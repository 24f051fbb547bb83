import { ERROR_CAUSES, type ErrorCause } from "@concierge/config/traffic";

import type { ProxyErrorCode } from "../errors.ts";
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

/** No cause: the request did not fail. */
export const NO_CAUSE = -1;
const causeIndex = (cause: ErrorCause) => ERROR_CAUSES.indexOf(cause);
export const ORIGIN_5XX = causeIndex("origin_5xx");

/**
 * The cause each proxy error counts under, as an index into ERROR_CAUSES. Refusals of a bad
 * request are the client's mistake, answered as designed, and are not failures.
 */
export const CAUSE_BY_CODE = {
  BAD_REQUEST: NO_CAUSE,
  NO_ROUTE: NO_CAUSE,
  METHOD_NOT_ALLOWED: NO_CAUSE,
  BODY_TOO_LARGE: NO_CAUSE,
  HEADERS_TOO_LARGE: NO_CAUSE,
  URI_TOO_LONG: NO_CAUSE,
  LOOP_DETECTED: causeIndex("loop_detected"),
  CLIENT_ABORTED: causeIndex("client_aborted"),
  NO_CONFIG: causeIndex("no_config"),
  NO_HEALTHY_TARGET: causeIndex("no_healthy_target"),
  UPSTREAM_CONNECT_FAILED: causeIndex("connect_failed"),
  UPSTREAM_RESET: causeIndex("reset"),
  UPSTREAM_TIMEOUT: causeIndex("timeout"),
  UPSTREAM_BAD_RESPONSE: causeIndex("bad_response"),
  INTERNAL: causeIndex("internal"),
} as const satisfies Record<ProxyErrorCode, number>;
