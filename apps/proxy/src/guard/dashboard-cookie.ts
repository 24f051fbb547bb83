import type { IncomingHttpHeaders } from "node:http";

/** The dashboard's session cookie (apps/web): it authenticates ops, never a request to an origin. */
export const DASHBOARD_SESSION_COOKIE = "concierge_session";

const SESSION_PAIR = new RegExp(`(?:^|;\\s*)${DASHBOARD_SESSION_COOKIE}=[^;]*`, "g");

/**
 * Drops the dashboard's session from the Cookie header sent upstream, so an origin served from
 * the same host as the dashboard can never read (and replay) an operator's session.
 */
export function withoutDashboardSession(headers: IncomingHttpHeaders): void {
  const cookie = headers.cookie;
  if (cookie === undefined || !cookie.includes(DASHBOARD_SESSION_COOKIE)) return;
  const rest = cookie.replace(SESSION_PAIR, "").replace(/^;\s*/, "");
  if (rest === "") delete headers.cookie;
  else headers.cookie = rest;
}
