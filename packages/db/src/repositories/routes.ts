import type { CacheRule } from "@concierge/config/cache-rule";
import type { Route, RouteInputSchema } from "@concierge/config/route";
import { RoutePoliciesSchema } from "@concierge/config/route-policies";
import type { z } from "zod";

import type { Prisma } from "../../generated/prisma/client.ts";
import type { Db, Tx } from "../client.ts";
import { NotFoundError, isNotFound } from "../errors.ts";

/** A route as validated by RouteInputSchema (defaults applied). */
export type RouteValues = z.output<typeof RouteInputSchema>;

const cacheRuleFields = {
  enabled: true,
  defaultTtlSeconds: true,
  ttlOverrideSeconds: true,
  keyQuery: true,
  keyHeaders: true,
  keyCookies: true,
  bypassCookies: true,
  storeSetCookie: true,
  staleWhileRevalidateSeconds: true,
  staleIfErrorSeconds: true,
  maxObjectBytes: true,
} as const satisfies Prisma.CacheRuleSelect;

const routeFields = {
  id: true,
  name: true,
  hosts: true,
  pathPrefix: true,
  methods: true,
  priority: true,
  poolId: true,
  stripPrefix: true,
  requestHeaders: true,
  responseHeaders: true,
  maxBodyBytes: true,
  policies: true,
  cacheRule: { select: cacheRuleFields },
} as const satisfies Prisma.RouteSelect;

type RouteRow = Prisma.RouteGetPayload<{ select: typeof routeFields }>;
type CacheRuleRow = NonNullable<RouteRow["cacheRule"]>;

const NO_CACHE: CacheRule = {
  enabled: false,
  keyQuery: "all",
  keyHeaders: [],
  keyCookies: [],
  bypassCookies: [],
  storeSetCookie: false,
  staleWhileRevalidateSeconds: 0,
  staleIfErrorSeconds: 0,
  maxObjectBytes: 8_388_608,
};

/** Nullable columns are absent in the schema's terms ("the origin decides"). */
function toCacheRule(row: CacheRuleRow | null): CacheRule {
  if (row === null) return NO_CACHE;
  const { defaultTtlSeconds, ttlOverrideSeconds, keyQuery, ...rest } = row;
  return {
    ...rest,
    keyQuery: keyQuery as CacheRule["keyQuery"],
    ...(defaultTtlSeconds === null ? {} : { defaultTtlSeconds }),
    ...(ttlOverrideSeconds === null ? {} : { ttlOverrideSeconds }),
  };
}

/** The JSON columns hold values that RouteInputSchema validated before they were written. */
function toRoute(row: RouteRow): Route {
  const { cacheRule, methods, maxBodyBytes, ...rest } = row;
  return {
    ...rest,
    methods: methods.length === 0 ? null : (methods as NonNullable<Route["methods"]>),
    requestHeaders: rest.requestHeaders as Route["requestHeaders"],
    responseHeaders: rest.responseHeaders as Route["responseHeaders"],
    policies: RoutePoliciesSchema.parse(rest.policies ?? {}),
    maxBodyBytes: Number(maxBodyBytes),
    cache: toCacheRule(cacheRule),
  };
}

function toCacheColumns(cache: CacheRule) {
  return {
    ...cache,
    defaultTtlSeconds: cache.defaultTtlSeconds ?? null,
    ttlOverrideSeconds: cache.ttlOverrideSeconds ?? null,
    keyQuery: cache.keyQuery as Prisma.InputJsonValue,
  };
}

function toColumns(input: RouteValues) {
  return {
    name: input.name,
    hosts: input.hosts,
    pathPrefix: input.pathPrefix,
    methods: input.methods ?? [],
    priority: input.priority,
    stripPrefix: input.stripPrefix,
    requestHeaders: input.requestHeaders as Prisma.InputJsonObject,
    responseHeaders: input.responseHeaders as Prisma.InputJsonObject,
    maxBodyBytes: BigInt(input.maxBodyBytes),
    policies: input.policies as Prisma.InputJsonObject,
  };
}

export function createRouteRepository(db: Db | Tx) {
  return {
    async list(): Promise<Route[]> {
      const rows = await db.route.findMany({
        select: routeFields,
        orderBy: [{ pathPrefix: "asc" }, { priority: "desc" }, { name: "asc" }],
      });
      return rows.map(toRoute);
    },

    async findById(id: string): Promise<Route | null> {
      const row = await db.route.findUnique({ where: { id }, select: routeFields });
      return row === null ? null : toRoute(row);
    },

    /** Routes that send traffic to the pool (which therefore cannot be deleted). */
    listUsingPool: (poolId: string): Promise<{ id: string; name: string }[]> =>
      db.route.findMany({
        where: { poolId },
        select: { id: true, name: true },
        orderBy: { name: "asc" },
      }),

    /** `id` may be chosen by the caller, e.g. to name the object in its audit entry. */
    async create(input: RouteValues, id?: string): Promise<Route> {
      const row = await db.route.create({
        data: {
          id,
          ...toColumns(input),
          pool: { connect: { id: input.poolId } },
          cacheRule: { create: toCacheColumns(input.cache) },
        },
        select: routeFields,
      });
      return toRoute(row);
    },

    async update(id: string, input: RouteValues): Promise<Route> {
      const cache = toCacheColumns(input.cache);
      try {
        const row = await db.route.update({
          where: { id },
          data: {
            ...toColumns(input),
            pool: { connect: { id: input.poolId } },
            cacheRule: { upsert: { create: cache, update: cache } },
          },
          select: routeFields,
        });
        return toRoute(row);
      } catch (error) {
        if (isNotFound(error))
          throw new NotFoundError(`No route has id ${id} (or no pool has id ${input.poolId})`);
        throw error;
      }
    },

    async delete(id: string): Promise<void> {
      try {
        await db.route.delete({ where: { id } });
      } catch (error) {
        if (isNotFound(error)) throw new NotFoundError(`No route has id ${id}`);
        throw error;
      }
    },
  };
}
