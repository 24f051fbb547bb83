import { PoolInputSchema } from "@concierge/config/pool";

import type { Tx } from "../src/client.ts";

/** A pool row with every JSON setting at its schema default, plus its targets in order. */
export async function createPool(
  tx: Tx,
  name: string,
  targetUrls: string[] = ["http://127.0.0.1:9"],
) {
  const { targets, ...pool } = PoolInputSchema.parse({
    name,
    targets: targetUrls.map((url) => ({ url })),
  });
  return tx.pool.create({
    data: {
      ...pool,
      targets: {
        create: targets.map(({ id: _id, ...target }, position) => ({ ...target, position })),
      },
    },
  });
}

export function createRoute(
  tx: Tx,
  route: {
    name: string;
    poolId: string;
    hosts?: string[];
    pathPrefix?: string;
    methods?: string[];
  },
) {
  return tx.route.create({
    data: {
      hosts: ["*"],
      requestHeaders: { set: {}, remove: [] },
      responseHeaders: { set: {}, remove: [] },
      ...route,
    },
  });
}
