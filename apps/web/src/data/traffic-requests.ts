import {
  RequestSamplesQuerySchema,
  type RequestSampleList,
  type RequestSamplesQuery,
} from "@concierge/config/traffic";
import { queryRequestSamples } from "@concierge/db/repositories/request-samples";

import type { Actor } from "../auth/actor.ts";
import { requireRole } from "../auth/roles.ts";
import { db } from "./db.ts";
import { InvalidInputError } from "./errors.ts";
import { toFieldErrors } from "./field-errors.ts";
import { uuids } from "./traffic.ts";

/** `?from&to&kind&routeId&poolId&targetId&nodeId&limit`; an empty parameter is absent. */
export function readRequestSamplesQuery(url: string): RequestSamplesQuery {
  const { searchParams } = new URL(url);
  const raw = Object.fromEntries([...searchParams].filter(([, value]) => value !== ""));
  const parsed = RequestSamplesQuerySchema.safeParse(raw);
  if (!parsed.success) throw new InvalidInputError("Invalid query", toFieldErrors(parsed.error.issues));
  return parsed.data;
}

/**
 * The sampled slow and failed requests, newest first, with the current names of their route and
 * pool and the URL of their target (null once those are deleted: samples outlive config).
 */
export async function getRequestSamples(actor: Actor, query: RequestSamplesQuery): Promise<RequestSampleList> {
  requireRole(actor, "viewer");
  const samples = await queryRequestSamples(db(), query);
  const ids = (pick: (sample: (typeof samples)[number]) => string) => uuids([...new Set(samples.map(pick))]);
  const [routes, pools, targets] = await Promise.all([
    db().route.findMany({ where: { id: { in: ids((sample) => sample.routeId) } }, select: { id: true, name: true } }),
    db().pool.findMany({ where: { id: { in: ids((sample) => sample.poolId) } }, select: { id: true, name: true } }),
    db().target.findMany({ where: { id: { in: ids((sample) => sample.targetId) } }, select: { id: true, url: true } }),
  ]);
  const routeNames = new Map(routes.map((route) => [route.id, route.name]));
  const poolNames = new Map(pools.map((pool) => [pool.id, pool.name]));
  const targetUrls = new Map(targets.map((target) => [target.id, target.url]));
  return {
    samples: samples.map((sample) => ({
      ...sample,
      at: sample.at.toISOString(),
      routeName: routeNames.get(sample.routeId) ?? null,
      poolName: poolNames.get(sample.poolId) ?? null,
      targetUrl: targetUrls.get(sample.targetId) ?? null,
    })),
  };
}
