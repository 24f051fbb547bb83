import { PrismaPg } from "@prisma/adapter-pg";

import { PrismaClient } from "../generated/prisma/client.ts";

export type Db = InstanceType<typeof PrismaClient>;
/** The client handed to an interactive transaction's callback. */
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * The caller owns the client: create it once per process (or per test file), pass it down,
 * and `$disconnect()` it on shutdown. No module-level singleton here.
 */
export function createDb(options: { url: string; maxConnections?: number }): Db {
  const adapter = new PrismaPg({ connectionString: options.url, max: options.maxConnections ?? 5 });
  return new PrismaClient({ adapter });
}
