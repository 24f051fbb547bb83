import { MAX_PROBES_PER_QUESTION, type ProbeResult } from "@concierge/config/node-questions";
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
import { askNode, NodeIdSchema } from "./explain.ts";
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

export const ProbeTargetsSchema = z
  .strictObject({
    urls: z.array(TargetUrlSchema).max(MAX_PROBES_PER_QUESTION).default([]),
    targets: z
      .array(z.strictObject({ poolId: z.string().min(1).max(200), targetId: z.string().min(1).max(200) }))
      .max(MAX_PROBES_PER_QUESTION)
      .default([]),
    nodeId: NodeIdSchema.optional(),
  })
  .refine((input) => input.urls.length + input.targets.length > 0, {
    message: "name at least one URL or target",
  });
export type ProbeTargets = z.output<typeof ProbeTargetsSchema>;

/**
 * Whether each URL (or pool target, by id) answers, asked of a proxy node: probes run from the
 * data plane, which reaches the origins by its own network path.
 */
export async function probeTargets(actor: Actor, input: ProbeTargets): Promise<Array<ProbeResult & { nodeId: string }>> {
  requireRole(actor, "editor");
  const answer = await askNode({ kind: "probe", urls: input.urls, targets: input.targets }, input.nodeId);
  if (answer.kind !== "probe") throw new Error("a node answered a probe question with an explanation");
  return answer.results.map((result) => ({ ...result, nodeId: answer.nodeId }));
}
