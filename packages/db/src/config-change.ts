import { DEFAULT_CACHE_RULE, type CacheRule } from "@concierge/config/cache-rule";
import { formatIssues } from "@concierge/config/format-issues";
import { ConfigSnapshotSchema, type ConfigSnapshot } from "@concierge/config/snapshot";

import type { Prisma } from "../generated/prisma/client.ts";
import type { Db, Tx } from "./client.ts";
import { InvalidConfigError, NotFoundError } from "./errors.ts";

export const CONFIG_CHANNEL = "concierge_config";

/** Held for the length of a config transaction, so revision numbers follow commit order. */
const CONFIG_LOCK_KEY = 0x636f6e66; // "conf"

export const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 30_000 } as const;

export interface ConfigChange {
  actorId: string | null;
  /** e.g. "route.create" — also the revision's summary. */
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  /**
   * Reads `before` inside the change's transaction, once it holds the configuration lock: of two
   * concurrent changes to one entity, the second then records what the first left.
   */
  readBefore?: (tx: Tx) => Promise<unknown>;
  after?: unknown;
  /** The operator's note on the revision. */
  message?: string | null;
  clientIp?: string | null;
}

/** JSON for a Json column, with bigint (route body limits) as a number. */
function toJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(
    JSON.stringify(value, (_key, inner: unknown) =>
      typeof inner === "bigint" ? Number(inner) : inner,
    ),
  ) as Prisma.InputJsonValue;
}

function toCacheRule(row: Prisma.CacheRuleGetPayload<object> | null): CacheRule {
  if (row === null) return DEFAULT_CACHE_RULE;
  return {
    enabled: row.enabled,
    ...(row.defaultTtlSeconds === null ? {} : { defaultTtlSeconds: row.defaultTtlSeconds }),
    ...(row.ttlOverrideSeconds === null ? {} : { ttlOverrideSeconds: row.ttlOverrideSeconds }),
    keyQuery: row.keyQuery as CacheRule["keyQuery"],
    keyHeaders: row.keyHeaders,
    keyCookies: row.keyCookies,
    bypassCookies: row.bypassCookies,
    storeSetCookie: row.storeSetCookie,
    staleWhileRevalidateSeconds: row.staleWhileRevalidateSeconds,
    staleIfErrorSeconds: row.staleIfErrorSeconds,
    maxObjectBytes: row.maxObjectBytes,
  };
}

/** The rows as the snapshot's shape, still unvalidated; ordered by name so a rollback reads back the same. */
async function readSnapshotRows(db: Db | Tx): Promise<unknown> {
  const [pools, routes] = await Promise.all([
    db.pool.findMany({
      orderBy: [{ name: "asc" }],
      include: { targets: { orderBy: [{ position: "asc" }, { id: "asc" }] } },
    }),
    db.route.findMany({ orderBy: [{ name: "asc" }, { id: "asc" }], include: { cacheRule: true } }),
  ]);
  return {
    pools: pools.map((pool) => ({
      id: pool.id,
      name: pool.name,
      algorithm: pool.algorithm,
      hashKey: pool.hashKey,
      stickyCookie: pool.stickyCookie,
      healthCheck: pool.healthCheck,
      passiveEjection: pool.passiveEjection,
      retry: pool.retry,
      timeouts: pool.timeouts,
      maxConnectionsPerTarget: pool.maxConnectionsPerTarget,
      targets: pool.targets.map(({ id, url, weight, enabled, draining }) => ({
        id,
        url,
        weight,
        enabled,
        draining,
      })),
    })),
    routes: routes.map((route) => ({
      id: route.id,
      name: route.name,
      hosts: route.hosts,
      pathPrefix: route.pathPrefix,
      methods: route.methods.length === 0 ? null : route.methods,
      priority: route.priority,
      poolId: route.poolId,
      stripPrefix: route.stripPrefix,
      requestHeaders: route.requestHeaders,
      responseHeaders: route.responseHeaders,
      maxBodyBytes: Number(route.maxBodyBytes),
      cache: toCacheRule(route.cacheRule),
      policies: route.policies ?? {},
    })),
  };
}

function validateSnapshot(raw: unknown): ConfigSnapshot {
  const parsed = ConfigSnapshotSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidConfigError(formatIssues(parsed.error.issues));
  return parsed.data;
}

/** The whole current configuration, validated; throws `InvalidConfigError` when the rows are not a valid one. */
export async function readConfigSnapshot(db: Db | Tx): Promise<ConfigSnapshot> {
  return validateSnapshot(await readSnapshotRows(db));
}

/**
 * Every configuration write goes through here, so the data, its revision, the audit entry and the
 * proxies' notification cannot disagree: one transaction runs `write`, validates the resulting
 * snapshot (an invalid one rolls everything back), and records revision + audit entry.
 * PostgreSQL delivers a NOTIFY issued inside a transaction only when that transaction commits.
 */
export async function applyConfigChange<T>(
  db: Db,
  change: ConfigChange,
  write: (tx: Tx) => Promise<T>,
): Promise<{ result: T; revision: number }> {
  return db.$transaction((tx) => recordConfigChange(tx, change, write), TRANSACTION_OPTIONS);
}

/** `applyConfigChange` inside a transaction the caller already holds (bootstrap's). */
export async function recordConfigChange<T>(
  tx: Tx,
  change: ConfigChange,
  write: (tx: Tx) => Promise<T>,
): Promise<{ result: T; revision: number }> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CONFIG_LOCK_KEY})`;
  const before = change.readBefore ? await change.readBefore(tx) : change.before;
  const result = await write(tx);
  const snapshot = await readConfigSnapshot(tx);
  const { number: revision } = await tx.configRevision.create({
    data: {
      actorId: change.actorId,
      summary: change.action,
      message: change.message ?? null,
      snapshot: toJson(snapshot),
    },
    select: { number: true },
  });
  await tx.auditEntry.create({
    data: {
      actorId: change.actorId,
      action: change.action,
      entityType: change.entityType,
      entityId: change.entityId ?? null,
      before: before == null ? undefined : toJson(before),
      after: change.after == null ? undefined : toJson(change.after),
      revision,
      clientIp: change.clientIp ?? null,
    },
  });
  await tx.$executeRaw`SELECT pg_notify(${CONFIG_CHANNEL}, ${String(revision)})`;
  return { result, revision };
}

export interface StoredRevision {
  revision: number;
  /** As stored: the proxy validates it before use. */
  snapshot: unknown;
}

export async function loadRevision(db: Db | Tx, revision: number): Promise<StoredRevision | null> {
  const row = await db.configRevision.findUnique({
    where: { number: revision },
    select: { number: true, snapshot: true },
  });
  return row && { revision: row.number, snapshot: row.snapshot };
}

export async function latestRevision(db: Db | Tx): Promise<StoredRevision | null> {
  const row = await db.configRevision.findFirst({
    orderBy: { number: "desc" },
    select: { number: true, snapshot: true },
  });
  return row && { revision: row.number, snapshot: row.snapshot };
}

/** The newest revision's number without its snapshot: what a periodic check needs. */
export async function latestRevisionNumber(db: Db | Tx): Promise<number | null> {
  const row = await db.configRevision.findFirst({ orderBy: { number: "desc" }, select: { number: true } });
  return row?.number ?? null;
}

/**
 * Replaces pools, targets, routes and cache rules with `snapshot`'s, keeping its ids. Run it as
 * the write of `applyConfigChange`, which records the result as one revision.
 */
export async function writeSnapshot(tx: Tx, snapshot: ConfigSnapshot): Promise<void> {
  await tx.route.deleteMany();
  await tx.pool.deleteMany();
  await tx.pool.createMany({ data: snapshot.pools.map(({ targets: _targets, ...pool }) => pool) });
  await tx.target.createMany({
    data: snapshot.pools.flatMap((pool) =>
      pool.targets.map((target, position) => ({ ...target, poolId: pool.id, position })),
    ),
  });
  await tx.route.createMany({
    data: snapshot.routes.map(({ cache: _cache, methods, policies, ...route }) => ({
      ...route,
      methods: methods ?? [],
      policies: toJson(policies),
    })),
  });
  await tx.cacheRule.createMany({
    data: snapshot.routes.map(({ id, cache }) => ({ routeId: id, ...cache })),
  });
}

/** Makes an earlier revision's configuration current again, as a new revision. */
export async function rollbackToRevision(
  db: Db,
  options: { actorId: string | null; revision: number; clientIp?: string | null },
): Promise<{ revision: number }> {
  const stored = await loadRevision(db, options.revision);
  if (stored === null) throw new NotFoundError(`revision ${options.revision} does not exist`);
  const target = validateSnapshot(stored.snapshot);
  const { revision } = await applyConfigChange(
    db,
    {
      actorId: options.actorId,
      action: "config.rollback",
      entityType: "config_revision",
      entityId: String(options.revision),
      after: { revision: options.revision },
      message: `rolled back to revision ${options.revision}`,
      clientIp: options.clientIp ?? null,
    },
    (tx) => writeSnapshot(tx, target),
  );
  return { revision };
}
