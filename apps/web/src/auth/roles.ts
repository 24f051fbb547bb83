import { ForbiddenError } from "../data/errors.ts";
import type { Actor } from "./actor.ts";
import type { Role } from "@concierge/db/repositories/users";

const RANK = { viewer: 0, editor: 1, admin: 2 } as const satisfies Record<Role, number>;

/** admin > editor > viewer: a role can do everything the roles below it can. */
export function hasRole(actor: Pick<Actor, "role">, needed: Role): boolean {
  return RANK[actor.role] >= RANK[needed];
}

export function requireRole(actor: Pick<Actor, "role">, needed: Role): void {
  if (!hasRole(actor, needed)) throw new ForbiddenError(`This needs the ${needed} role`);
}
