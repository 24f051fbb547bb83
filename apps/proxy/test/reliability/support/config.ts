import { PoolInputSchema, type PoolInput } from "@concierge/config/pool";
import { RouteInputSchema, type RouteInput } from "@concierge/config/route";
import type { Db } from "@concierge/db/client";
import { createPoolRepository } from "@concierge/db/repositories/pools";
import { createRouteRepository } from "@concierge/db/repositories/routes";

import { writeRevision } from "../../control/support/snapshots.ts";

export interface RouteToPool {
  /** The route's path prefix; also names the route and its pool. */
  pathPrefix: string;
  pool: Omit<PoolInput, "name">;
  route?: Omit<RouteInput, "name" | "pathPrefix" | "poolId" | "hosts">;
}

/** Active probes off: only the traffic of the test decides a target's health. */
const NO_PROBES = { enabled: false } as const;

/** Adds one pool and one route per entry, through the one real config write path; returns the new revision. */
export function addRoutes(db: Db, entries: readonly RouteToPool[]): Promise<number> {
  return writeRevision(db, async (tx) => {
    for (const { pathPrefix, pool, route } of entries) {
      const name = pathPrefix.replaceAll("/", "") || "root";
      const { id: poolId } = await createPoolRepository(tx).create(
        PoolInputSchema.parse({ healthCheck: NO_PROBES, ...pool, name }),
      );
      await createRouteRepository(tx).create(RouteInputSchema.parse({ ...route, name, hosts: ["*"], pathPrefix, poolId }));
    }
  });
}
