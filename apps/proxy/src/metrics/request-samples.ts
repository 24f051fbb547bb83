import { ERROR_CAUSES, type RequestSampleRow } from "@concierge/config/traffic";

import { NO_CAUSE } from "./labels.ts";
import type { RequestRecord } from "./registry.ts";

/**
 * A sampled request as a worker captures it: epoch ms rather than a Date, since it crosses the
 * cluster's IPC channel inside a TrafficInterval. The primary stamps `worker` on arrival and
 * adds its node id when it writes.
 */
export type CapturedSample = Omit<RequestSampleRow, "at" | "nodeId"> & { at: number };

/** Where a request went, as its target series knows it. */
interface Destination {
  readonly routeId: string;
  readonly poolId: string;
  readonly targetId: string;
}

export interface RequestSampler {
  /** Requests at least this long are slow; Infinity when slow requests are not sampled. */
  readonly slowMs: number;
  /** A failed (`cause` ≥ 0) or slow request; kept unless this second's share is used up. */
  offer(destination: Destination, request: RequestRecord, cause: number): void;
  /** The samples captured since the last call, oldest first. */
  take(): CapturedSample[];
}

/** Longer paths are cut: a sample is for finding a request, not for replaying it. */
const MAX_PATH_LENGTH = 512;
const MAX_HOST_LENGTH = 255;
/** Seconds of samples held when nobody takes them (the primary is gone): the oldest go first. */
const PENDING_SECONDS = 10;

/**
 * Keeps at most `perSecond` failed and `perSecond` slow requests of each wall-clock second (the
 * first ones of the second: a rate cap, not a reservoir), so a flood of failures costs a few
 * objects a second and cannot crowd out the slow ones. A request that is both counts as failed.
 */
export function createRequestSampler(options: { slowMs: number; perSecond: number }): RequestSampler {
  const { perSecond } = options;
  const maxPending = perSecond * 2 * PENDING_SECONDS;
  let pending: CapturedSample[] = [];
  let second = 0;
  let failedThisSecond = 0;
  let slowThisSecond = 0;

  return {
    slowMs: perSecond > 0 ? options.slowMs : Number.POSITIVE_INFINITY,
    offer(destination, request, cause) {
      if (perSecond === 0) return;
      const now = Date.now();
      const nowSecond = Math.floor(now / 1000);
      if (nowSecond !== second) {
        second = nowSecond;
        failedThisSecond = 0;
        slowThisSecond = 0;
      }
      if (cause === NO_CAUSE) {
        if (slowThisSecond >= perSecond) return;
        slowThisSecond++;
      } else {
        if (failedThisSecond >= perSecond) return;
        failedThisSecond++;
      }
      if (pending.length >= maxPending) pending.shift();
      pending.push({
        at: now,
        worker: 0,
        routeId: destination.routeId,
        poolId: destination.poolId,
        targetId: destination.targetId,
        method: request.method ?? "",
        host: (request.host ?? "").slice(0, MAX_HOST_LENGTH),
        path: (request.path ?? "").slice(0, MAX_PATH_LENGTH),
        status: request.status,
        cause: ERROR_CAUSES[cause] ?? null,
        cacheStatus: request.cacheOutcome,
        slow: request.durationMs >= options.slowMs,
        totalMs: request.durationMs,
        upstreamMs: request.upstreamMs,
        attempts: request.attempts ?? 0,
        requestId: request.requestId ?? "",
      });
    },
    take() {
      const taken = pending;
      pending = [];
      return taken;
    },
  };
}
