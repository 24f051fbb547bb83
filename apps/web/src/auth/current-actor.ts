import { cookies } from "next/headers";

import type { Actor } from "./actor.ts";
import { authenticate } from "./authenticate.ts";
import { SESSION_COOKIE } from "./session-cookie.ts";

/** The signed-in user of the page being rendered, from the session cookie; null when none. */
export async function currentActor(): Promise<Actor | null> {
  const value = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!value) return null;
  const authentication = await authenticate({ cookie: `${SESSION_COOKIE}=${value}` });
  return authentication?.actor ?? null;
}
