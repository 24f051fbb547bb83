import type { Pool } from "@concierge/config/pool";
import { PoolInputSchema } from "@concierge/config/pool";
import { TargetUrlSchema } from "@concierge/config/target";
import { applyConfigChange } from "@concierge/db/config-change";
import { ConflictError, NotFoundError } from "@concierge/db/errors";
import { createPoolRepository, type PoolValues } from "@concierge/db/repositories/pools";
import { createRouteRepository } from "@concierge/db/repositories/routes";
import { randomUUID } from "node:crypto";
import { z } from "zod";

import type { Actor } from "../auth/actor.ts";
import type { ClientInfo } from "../auth/client-info.ts";
import { requireRole } from "../auth/roles.ts";
import { patchConfigObject } from "./config-object-patch.ts";
import { db } from "./db.ts";
import { assertId } from "./ids.ts";

export type PoolWithRevision = Pool & { revision: number };

function poolNotFound(id: string): NotFoundError {
  return new NotFoundError(`No pool has id ${id}`);
}

export async function listPools(actor: Actor): Promise<Pool[]> {
  requireRole(actor, "viewer");
  return createPoolRepository(db()).list();
}

export async function getPool(actor: Actor, id: string): Promise<Pool> {
  requireRole(actor, "viewer");
  assertId(id, "pool");
  const pool = await createPoolRepository(db()).findById(id);
  if (pool === null) throw poolNotFound(id);
  return pool;
}

export async function createPool(
  actor: Actor,
  input: PoolValues,
  client: ClientInfo,
  message: string | null = null,
): Promise<PoolWithRevision> {
  requireRole(actor, "editor");
  const id = randomUUID();
  const { result, revision } = await applyConfigChange(
    db(),
    {
      actorId: actor.id,
      action: "pool.create",
      entityType: "pool",
      entityId: id,
      after: input,
      clientIp: client.address,
      message,
    },
    (tx) => createPoolRepository(tx).create(input, id),
  );
  return { ...result, revision };
}

/** `patch` is an RFC 7396 merge patch over the pool; `targets`, being an array, is replaced whole. */
export async function updatePool(
  actor: Actor,
  id: string,
  patch: unknown,
  client: ClientInfo,
  message: string | null = null,
): Promise<PoolWithRevision> {
  requireRole(actor, "editor");
  const before = await getPool(actor, id);
  const { id: _id, ...current } = before;
  const input = patchConfigObject(PoolInputSchema, current, patch);
  const { result, revision } = await applyConfigChange(
    db(),
    {
      actorId: actor.id,
      action: "pool.update",
      entityType: "pool",
      entityId: id,
      before,
      after: input,
      clientIp: client.address,
      message,
    },
    (tx) => createPoolRepository(tx).update(id, input),
  );
  return { ...result, revision };
}

/** A pool that routes still send traffic to is refused with the routes' names. */
export async function deletePool(
  actor: Actor,
  id: string,
  client: ClientInfo,
  message: string | null = null,
): Promise<{ revision: number }> {
  requireRole(actor, "editor");
  const before = await getPool(actor, id);
  const { revision } = await applyConfigChange(
    db(),
    {
      actorId: actor.id,
      action: "pool.delete",
      entityType: "pool",
      entityId: id,
      before,
      clientIp: client.address,
      message,
    },
    async (tx) => {
      const users = await createRouteRepository(tx).listUsingPool(id);
      if (users.length > 0) {
        const names = users.map((route) => `"${route.name}"`).join(", ");
        throw new ConflictError(
          `The pool is used by ${users.length === 1 ? "route" : "routes"} ${names}`,
        );
      }
      await createPoolRepository(tx).delete(id);
    },
  );
  return { revision };
}

const PROBE_TIMEOUT_MS = 2_000;

export const ProbeTargetsSchema = z.strictObject({
  urls: z.array(TargetUrlSchema).min(1, { message: "name at least one URL" }).max(50),
});
export type ProbeTargets = z.output<typeof ProbeTargetsSchema>;

export interface ProbeResult {
  url: string;
  /** True when anything answered over HTTP, whatever the status. */
  answered: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
}

async function probeOnce(url: string, method: "HEAD" | "GET"): Promise<number> {
  const response = await fetch(url, {
    method,
    redirect: "manual",
    signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
  });
  await response.body?.cancel();
  return response.status;
}

function describeProbeFailure(error: unknown): string {
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return `no answer within ${PROBE_TIMEOUT_MS / 1000} s`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  return cause?.code ?? (error instanceof Error ? error.message : String(error));
}

/** HEAD, or GET for origins that refuse HEAD. */
async function probeTarget(url: string): Promise<ProbeResult> {
  const started = performance.now();
  try {
    let status = await probeOnce(url, "HEAD");
    if (status === 405 || status === 501) status = await probeOnce(url, "GET");
    const durationMs = Math.round(performance.now() - started);
    return { url, answered: true, status, error: null, durationMs };
  } catch (error) {
    const durationMs = Math.round(performance.now() - started);
    return { url, answered: false, status: null, error: describeProbeFailure(error), durationMs };
  }
}

/**
 * Whether each URL answers, asked from the dashboard server — which may reach the origins by a
 * different network path than the proxy nodes do; the page says so.
 */
export async function probeTargets(actor: Actor, input: ProbeTargets): Promise<ProbeResult[]> {
  requireRole(actor, "editor");
  return Promise.all(input.urls.map(probeTarget));
}
