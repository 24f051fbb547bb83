import type { Route } from "@concierge/config/route";
import { RouteInputSchema } from "@concierge/config/route";
import { applyConfigChange } from "@concierge/db/config-change";
import { NotFoundError } from "@concierge/db/errors";
import { createPoolRepository } from "@concierge/db/repositories/pools";
import { createRouteRepository, type RouteValues } from "@concierge/db/repositories/routes";
import { randomUUID } from "node:crypto";

import type { Actor } from "../auth/actor.ts";
import type { ClientInfo } from "../auth/client-info.ts";
import { requireRole } from "../auth/roles.ts";
import { patchConfigObject } from "./config-object-patch.ts";
import { db } from "./db.ts";
import { InvalidInputError } from "./errors.ts";
import { assertId } from "./ids.ts";

export type RouteWithRevision = Route & { revision: number };

function routeNotFound(id: string): NotFoundError {
  return new NotFoundError(`No route has id ${id}`);
}

/** Said about the field rather than as a failed foreign key. */
async function assertPoolExists(poolId: string): Promise<void> {
  if ((await createPoolRepository(db()).findById(poolId)) === null) {
    throw new InvalidInputError("Some fields need attention", [
      { path: "poolId", message: `no pool has id ${poolId}` },
    ]);
  }
}

export async function listRoutes(actor: Actor): Promise<Route[]> {
  requireRole(actor, "viewer");
  return createRouteRepository(db()).list();
}

export async function getRoute(actor: Actor, id: string): Promise<Route> {
  requireRole(actor, "viewer");
  assertId(id, "route");
  const route = await createRouteRepository(db()).findById(id);
  if (route === null) throw routeNotFound(id);
  return route;
}

export async function createRoute(
  actor: Actor,
  input: RouteValues,
  client: ClientInfo,
  message: string | null = null,
): Promise<RouteWithRevision> {
  requireRole(actor, "editor");
  await assertPoolExists(input.poolId);
  const id = randomUUID();
  const { result, revision } = await applyConfigChange(
    db(),
    {
      actorId: actor.id,
      action: "route.create",
      entityType: "route",
      entityId: id,
      after: input,
      clientIp: client.address,
      message,
    },
    (tx) => createRouteRepository(tx).create(input, id),
  );
  return { ...result, revision };
}

/** `patch` is an RFC 7396 merge patch over the route, its `cache` object included. */
export async function updateRoute(
  actor: Actor,
  id: string,
  patch: unknown,
  client: ClientInfo,
  message: string | null = null,
): Promise<RouteWithRevision> {
  requireRole(actor, "editor");
  const before = await getRoute(actor, id);
  const { id: _id, ...current } = before;
  const input = patchConfigObject(RouteInputSchema, current, patch);
  await assertPoolExists(input.poolId);
  const { result, revision } = await applyConfigChange(
    db(),
    {
      actorId: actor.id,
      action: "route.update",
      entityType: "route",
      entityId: id,
      before,
      after: input,
      clientIp: client.address,
      message,
    },
    (tx) => createRouteRepository(tx).update(id, input),
  );
  return { ...result, revision };
}

export async function deleteRoute(
  actor: Actor,
  id: string,
  client: ClientInfo,
  message: string | null = null,
): Promise<{ revision: number }> {
  requireRole(actor, "editor");
  const before = await getRoute(actor, id);
  const { revision } = await applyConfigChange(
    db(),
    {
      actorId: actor.id,
      action: "route.delete",
      entityType: "route",
      entityId: id,
      before,
      clientIp: client.address,
      message,
    },
    (tx) => createRouteRepository(tx).delete(id),
  );
  return { revision };
}
