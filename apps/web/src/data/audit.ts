import type { Actor } from "../auth/actor.ts";
import { requireRole } from "../auth/roles.ts";
import { db } from "./db.ts";
import type { PageQuery } from "./page-query.ts";

export interface AuditEntryDto {
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

/** Newest first. The query belongs in a packages/db audit repository once there is one. */
export async function listAudit(actor: Actor, page: PageQuery): Promise<AuditEntryDto[]> {
  requireRole(actor, "viewer");
  const rows = await db().auditEntry.findMany({
    where: page.before === undefined ? {} : { id: { lt: BigInt(page.before) } },
    orderBy: { id: "desc" },
    take: page.limit,
    select: {
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
    },
  });
  // Ids are bigint in the database; JSON has no bigint, and these stay far below 2^53.
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}
