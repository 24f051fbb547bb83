"use client";

import { createContext, type ReactNode } from "react";

export type Role = "admin" | "editor" | "viewer";

export interface SignedInActor {
  id: string;
  email: string;
  role: Role;
}

export const ActorContext = createContext<SignedInActor | null>(null);

/** The signed-in user, read once by the dashboard layout on the server. */
export function ActorProvider({ actor, children }: { actor: SignedInActor; children: ReactNode }) {
  return <ActorContext value={actor}>{children}</ActorContext>;
}
