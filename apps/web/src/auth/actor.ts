import type { Role } from "@concierge/db/repositories/users";

/** Who is calling, with their role as it is now in the database. */
export interface Actor {
  id: string;
  email: string;
  role: Role;
  mustChangePassword: boolean;
  /** The session that authenticated the call, or null for a Bearer token. */
  sessionId: string | null;
}
