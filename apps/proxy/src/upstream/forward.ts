/**
 * Sends a request to one of the pool's targets and, when that fails, decides alone whether to
 * try another one. A retry needs all of:
 * - no response byte arrived (the promise resolves at the response headers, so the client has
 *   seen nothing of a failed attempt);
 * - the failure is safe to repeat. A failed connect (refused, connect timeout, unreachable)
 *   sent no request byte at all, so it is retried for any method, POST included: the target
 *   cannot have acted on a request it never received. A reset or close before the headers is
 *   retried only for idempotent methods (RFC 9110 §9.2.2), which a client may repeat anyway —
 *   the keep-alive race (RFC 9112 §9.3.1) and a target killed mid-request look alike from here.
 *   The retry budget keeps a request that itself brings targets down from taking out the pool.
 *   Timeouts are never retried: the target may still be working on the request;
 * - the request body was not read yet (a streamed body cannot be replayed);
 * - the pool's `retry.attempts` and retry budget allow it.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";

import type { OriginResponse } from "../origin.ts";
import { ProxyError } from "../errors.ts";
import { responseWithoutHopByHop } from "../guard/hop-by-hop.ts";
import { createAttemptBody, isBodyReplayable } from "./attempt-body.ts";
import { exchange, type ClientLink } from "./exchange.ts";
import type { TargetRuntime } from "./target-runtime.ts";
import { toUpstreamFailure, type UpstreamFailure } from "./undici-errors.ts";
import { toUpstreamPool, type UpstreamPool } from "./upstream-pool.ts";
import type { CompiledPool } from "./upstreams.ts";

export interface ForwardRequest {
  method: string;
  /** Path + "?" + query as sent upstream (after strip-prefix), already normalised. */
  path: string;
  /** Cleaned by guard/. Host is the client's Host unless the route rewrites it. */
  headers: IncomingHttpHeaders;
  /** The client's request body stream, or null when there is none. */
  body: Readable | null;
  clientIp: string;
  /** Present when the exchange should stop if the client leaves before the answer starts. */
  client?: ClientLink;
}

export interface ForwardResult extends OriginResponse {
  targetId: string;
  attempts: number;
  /** ms from first attempt to response headers */
  upstreamMs: number;
  /** response headers the balancer wants added, e.g. a sticky cookie */
  extraHeaders?: Record<string, string>;
}

const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/** Picks a target, sends, retries per the pool's retry policy; rejects with ProxyError. */
export async function forwardRequest(
  pool: CompiledPool,
  request: ForwardRequest,
): Promise<ForwardResult> {
  const upstream = toUpstreamPool(pool);
  const startedAt = performance.now();
  upstream.budget.recordRequest(Date.now());
  const headers = withoutExpect(request.headers);
  let tried: Set<TargetRuntime> | undefined;
  let lastFailure: UpstreamFailure | undefined;

  for (let attempt = 1; ; attempt++) {
    const target = upstream.balancer.pick(upstream.eligible(), request, tried);
    if (!target) {
      throw (
        lastFailure?.error ??
        new ProxyError("NO_HEALTHY_TARGET", "upstream", {
          message: `pool ${upstream.name} has no eligible target`,
        })
      );
    }

    target.requests++;
    target.inFlight++;
    const attemptStartedAt = performance.now();
    try {
      const response = await exchange(
        target.dispatcher,
        {
          method: request.method,
          path: target.basePath === "" ? request.path : target.basePath + request.path,
          headers,
          body: request.body && createAttemptBody(request.body),
        },
        request.client,
        target.release,
      );
      const now = performance.now();
      target.recordLatency(now - attemptStartedAt);
      if (response.statusCode >= 500) target.health.recordFailure();
      else target.health.recordSuccess();

      const extraHeaders = upstream.balancer.responseHeaders?.(target, request);
      return {
        statusCode: response.statusCode,
        headers: responseWithoutHopByHop(response.headers),
        body: response.body,
        targetId: target.id,
        attempts: attempt,
        upstreamMs: now - startedAt,
        ...(extraHeaders && { extraHeaders }),
      };
    } catch (error) {
      const failure = toUpstreamFailure(error, request.client?.leftWith !== undefined);
      failure.error.targetId = target.id;
      failure.error.attempts = attempt;
      if (failure.kind !== "client" && failure.kind !== "internal") target.health.recordFailure();
      if (!mayRetry(upstream, request, failure, attempt)) throw failure.error;
      (tried ??= new Set()).add(target);
      lastFailure = failure;
    }
  }
}

function mayRetry(
  upstream: UpstreamPool,
  request: ForwardRequest,
  failure: UpstreamFailure,
  attempt: number,
): boolean {
  if (attempt > upstream.retryAttempts) return false;
  const safeToRepeat =
    failure.kind === "connect" ||
    (failure.kind === "reset" && IDEMPOTENT_METHODS.has(request.method));
  return safeToRepeat && isBodyReplayable(request.body) && upstream.budget.tryRetry(Date.now());
}

/**
 * RFC 9110 §10.1.1: the front answers `Expect: 100-continue` itself (node's checkContinue) once
 * the request is routed, so the target never waits for a 100 that only the client could trigger.
 */
function withoutExpect(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  if (headers.expect === undefined) return headers;
  const { expect: _expect, ...rest } = headers;
  return rest;
}
