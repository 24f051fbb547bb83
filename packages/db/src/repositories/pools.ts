import type { Pool, PoolInputSchema } from "@concierge/config/pool";
import type { z } from "zod";

import type { Prisma } from "../../generated/prisma/client.ts";
import type { Db, Tx } from "../client.ts";
import { ConflictError, NotFoundError, isNotFound, isUniqueViolation } from "../errors.ts";

/** A pool as validated by PoolInputSchema (defaults applied). */
export type PoolValues = z.output<typeof PoolInputSchema>;

const targetFields = { id: true, url: true, weight: true, enabled: true, draining: true } as const;

const poolFields = {
  id: true,
  name: true,
  algorithm: true,
  hashKey: true,
  stickyCookie: true,
  healthCheck: true,
  passiveEjection: true,
  retry: true,
  timeouts: true,
  maxConnectionsPerTarget: true,
  targets: { select: targetFields, orderBy: { position: "asc" } },
} as const satisfies Prisma.PoolSelect;

type PoolRow = Prisma.PoolGetPayload<{ select: typeof poolFields }>;

/** The JSON columns hold values that PoolInputSchema validated before they were written. */
function toPool(row: PoolRow): Pool {
  return {
    ...row,
    hashKey: row.hashKey as Pool["hashKey"],
    stickyCookie: row.stickyCookie as Pool["stickyCookie"],
    healthCheck: row.healthCheck as Pool["healthCheck"],
    passiveEjection: row.passiveEjection as Pool["passiveEjection"],
    retry: row.retry as Pool["retry"],
    timeouts: row.timeouts as Pool["timeouts"],
  };
}

function toColumns(input: PoolValues) {
  return {
    name: input.name,
    algorithm: input.algorithm,
    hashKey: input.hashKey as Prisma.InputJsonObject,
    stickyCookie: input.stickyCookie as Prisma.InputJsonObject,
    healthCheck: input.healthCheck as Prisma.InputJsonObject,
    passiveEjection: input.passiveEjection as Prisma.InputJsonObject,
    retry: input.retry as Prisma.InputJsonObject,
    timeouts: input.timeouts as Prisma.InputJsonObject,
    maxConnectionsPerTarget: input.maxConnectionsPerTarget,
  };
}

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, "").toLowerCase() === b.replace(/\/+$/, "").toLowerCase();
}

function nameTaken(name: string): ConflictError {
  return new ConflictError(`A pool named "${name}" already exists`);
}

export function createPoolRepository(db: Db | Tx) {
  return {
    async list(): Promise<Pool[]> {
      const rows = await db.pool.findMany({ select: poolFields, orderBy: { name: "asc" } });
      return rows.map(toPool);
    },

    async findById(id: string): Promise<Pool | null> {
      const row = await db.pool.findUnique({ where: { id }, select: poolFields });
      return row === null ? null : toPool(row);
    },

    /** `id` may be chosen by the caller, e.g. to name the object in its audit entry. */
    async create(input: PoolValues, id?: string): Promise<Pool> {
      try {
        const row = await db.pool.create({
          data: {
            id,
            ...toColumns(input),
            targets: {
              create: input.targets.map(({ url, weight, enabled, draining }, position) => ({
                url,
                weight,
                enabled,
                draining,
                position,
              })),
            },
          },
          select: poolFields,
        });
        return toPool(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(input.name);
        throw error;
      }
    },

    /**
     * Replaces the pool's fields and target list. A listed target keeps its identity (and so
     * its connection pool in the proxies) when its id or its URL matches an existing target;
     * unmatched existing targets are removed. Call inside a transaction.
     */
    async update(id: string, input: PoolValues): Promise<Pool> {
      const existing = await db.target.findMany({
        where: { poolId: id },
        select: { id: true, url: true },
      });
      const kept = new Map<number, string>();
      const claimed = new Set<string>();
      input.targets.forEach((target, index) => {
        const match =
          existing.find((old) => old.id === target.id && !claimed.has(old.id)) ??
          existing.find((old) => sameUrl(old.url, target.url) && !claimed.has(old.id));
        if (match) {
          kept.set(index, match.id);
          claimed.add(match.id);
        }
      });

      try {
        await db.pool.update({ where: { id }, data: toColumns(input) });
        await db.target.deleteMany({ where: { poolId: id, id: { notIn: [...claimed] } } });
        for (const [position, target] of input.targets.entries()) {
          const { url, weight, enabled, draining } = target;
          const targetId = kept.get(position);
          if (targetId === undefined) {
            await db.target.create({
              data: { poolId: id, url, weight, enabled, draining, position },
            });
          } else {
            await db.target.update({
              where: { id: targetId },
              data: { url, weight, enabled, draining, position },
            });
          }
        }
      } catch (error) {
        if (isNotFound(error)) throw new NotFoundError(`No pool has id ${id}`);
        if (isUniqueViolation(error)) throw nameTaken(input.name);
        throw error;
      }
      const updated = await db.pool.findUnique({ where: { id }, select: poolFields });
      if (updated === null) throw new NotFoundError(`No pool has id ${id}`);
      return toPool(updated);
    },

    async delete(id: string): Promise<void> {
      try {
        await db.pool.delete({ where: { id } });
      } catch (error) {
        if (isNotFound(error)) throw new NotFoundError(`No pool has id ${id}`);
        throw error;
      }
    },
  };
}
