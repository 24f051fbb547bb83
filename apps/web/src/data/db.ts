import { createDb, type Db } from "@concierge/db/client";

import { env } from "../env.ts";

/**
 * One client per process. The custom server and the Next.js bundle load this module separately
 * (and dev reloads it), so the client lives on globalThis under a registered symbol.
 */
const DB_KEY = Symbol.for("concierge.web.db");

type Holder = { [DB_KEY]?: Db };

export function db(): Db {
  const holder = globalThis as Holder;
  holder[DB_KEY] ??= createDb({ url: env().DATABASE_URL, maxConnections: 10 });
  return holder[DB_KEY];
}

/** Closes the process's client, if one was opened. */
export async function closeDb(): Promise<void> {
  const holder = globalThis as Holder;
  const client = holder[DB_KEY];
  delete holder[DB_KEY];
  await client?.$disconnect();
}
