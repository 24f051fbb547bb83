import type { ErrorCause } from "@concierge/config/traffic";

/** How each failure cause reads on a page: what happened, in the operator's words. */
export const ERROR_CAUSE_LABELS: Record<ErrorCause, string> = {
  origin_5xx: "origin answered 5xx",
  connect_failed: "could not connect",
  reset: "connection reset",
  timeout: "timed out",
  bad_response: "invalid response",
  no_healthy_target: "no healthy target",
  no_config: "no configuration",
  loop_detected: "request loop",
  internal: "proxy error",
  client_aborted: "client left",
};
