"use client";

import { useContext } from "react";

import { ActorContext, type Role, type SignedInActor } from "../client/actor-context.tsx";

const RANK = { viewer: 0, editor: 1, admin: 2 } as const satisfies Record<Role, number>;

export function useActor(): SignedInActor {
  const actor = useContext(ActorContext);
  if (actor === null) throw new Error("useActor needs the dashboard layout's ActorProvider");
  return actor;
}

/** Hides what a role cannot use; the server checks again on every call. */
export function useCan(needed: Role): boolean {
  return RANK[useActor().role] >= RANK[needed];
}
