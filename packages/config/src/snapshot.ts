import { z } from "zod";

import { PoolSchema } from "./pool.ts";
import { RouteSchema, routesCollide } from "./route.ts";

/**
 * A whole configuration as data: what a revision stores and what a proxy node compiles.
 * Cross-references are checked here: every route names an existing pool, no two routes collide.
 */
export const ConfigSnapshotSchema = z
  .strictObject({
    pools: z.array(PoolSchema),
    routes: z.array(RouteSchema),
  })
  .superRefine((snapshot, ctx) => {
    const poolIds = new Set(snapshot.pools.map((pool) => pool.id));
    snapshot.routes.forEach((route, index) => {
      if (!poolIds.has(route.poolId)) {
        ctx.addIssue({
          code: "custom",
          path: ["routes", index, "poolId"],
          message: `no pool has id ${route.poolId}`,
        });
      }
      for (let earlier = 0; earlier < index; earlier++) {
        const other = snapshot.routes[earlier];
        if (other && routesCollide(route, other)) {
          ctx.addIssue({
            code: "custom",
            path: ["routes", index],
            message: `duplicates routes[${earlier}] ("${other.name}"): same hosts, path prefix and methods`,
          });
        }
      }
    });
  });
export type ConfigSnapshot = z.output<typeof ConfigSnapshotSchema>;

export const EMPTY_SNAPSHOT: ConfigSnapshot = { pools: [], routes: [] };

/** A snapshot with the revision it was saved as. */
export interface ConfigRevision {
  revision: number;
  snapshot: ConfigSnapshot;
}
