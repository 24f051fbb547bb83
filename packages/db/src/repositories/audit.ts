import type { Prisma } from "../../generated/prisma/client.ts";
import type { Db, Tx } from "../client.ts";

export interface AuditEntry {
  /** A bigint in the database; these stay far below 2^53, and JSON has no bigint. */
  id: number;
  action: string;
  entityType: string;
  entityId: string | null;
  actor: { id: string; email: string } | null;
  revision: number | null;
  clientIp: string | null;
  before: unknown;
  after: unknown;
  createdAt: Date;
}

export interface AuditFilter {
  actorId?: string;
  /** Exact action ("route.update"), or a family ending in "." ("route."). */
  action?: string;
  entityType?: string;
  entityId?: string;
  /** Only entries with an id below this (keyset pagination). */
  before?: number;
  limit: number;
}

export interface NewAuditEntry {
  actorId: string | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
  clientIp?: string | null;
}

const entryFields = {
  id: true,
  action: true,
  entityType: true,
  entityId: true,
  revision: true,
  clientIp: true,
  before: true,
  after: true,
  createdAt: true,
  actor: { select: { id: true, email: true } },
} as const satisfies Prisma.AuditEntrySelect;

function toWhere(filter: AuditFilter): Prisma.AuditEntryWhereInput {
  const { action } = filter;
  return {
    ...(filter.actorId === undefined ? {} : { actorId: filter.actorId }),
    ...(action === undefined
      ? {}
      : { action: action.endsWith(".") ? { startsWith: action } : action }),
    ...(filter.entityType === undefined ? {} : { entityType: filter.entityType }),
    ...(filter.entityId === undefined ? {} : { entityId: filter.entityId }),
    ...(filter.before === undefined ? {} : { id: { lt: BigInt(filter.before) } }),
  };
}

/** Newest first. */
export async function listAuditEntries(db: Db | Tx, filter: AuditFilter): Promise<AuditEntry[]> {
  const rows = await db.auditEntry.findMany({
    where: toWhere(filter),
    orderBy: { id: "desc" },
    take: filter.limit,
    select: entryFields,
  });
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

/** For actions that are not configuration changes (those are recorded by applyConfigChange). */
export async function recordAuditEntry(db: Db | Tx, entry: NewAuditEntry): Promise<void> {
  await db.auditEntry.create({
    data: {
      actorId: entry.actorId,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      ...(entry.before === undefined ? {} : { before: entry.before }),
      ...(entry.after === undefined ? {} : { after: entry.after }),
      clientIp: entry.clientIp ?? null,
    },
  });
}
