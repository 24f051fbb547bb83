import type { Logger } from "pino";

import type { RequestContext } from "../request-context.ts";

/** One line per request, rejected ones included; the path goes without its query. */
export function writeAccessLog(log: Logger, ctx: RequestContext, durationMs: number): void {
  // The line is an object of fifteen fields: not worth building when the level drops it.
  if (!log.isLevelEnabled("info")) return;
  log.info(
    {
      reqId: ctx.reqId,
      method: ctx.method,
      host: ctx.host,
      path: ctx.path,
      status: ctx.status,
      routeId: ctx.route?.id,
      poolId: ctx.route?.pool.id,
      targetId: ctx.targetId || undefined,
      cacheStatus: ctx.cacheOutcome,
      attempts: ctx.attempts,
      durationMs: Math.round(durationMs * 1000) / 1000,
      upstreamMs: ctx.upstreamMs,
      bytesOut: ctx.bytesOut,
      err: ctx.error && ctx.error.status >= 500 ? ctx.error : undefined,
    },
    "request",
  );
}
