import { loadRevision, rollbackToRevision } from "@concierge/db/config-change";
import { NotFoundError } from "@concierge/db/errors";

import type { Actor } from "../auth/actor.ts";
import type { ClientInfo } from "../auth/client-info.ts";
import { requireRole } from "../auth/roles.ts";
import { db } from "./db.ts";
import type { PageQuery } from "./page-query.ts";

function toRevisionNumber(value: string): number {
  const number = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < 1) throw new NotFoundError(`No revision ${value}`);
  return number;
}

export interface RevisionSummary {
  number: number;
  summary: string;
  message: string | null;
  actor: { id: string; email: string } | null;
  createdAt: Date;
}

/** Newest first. The query belongs in a packages/db revisions repository once there is one. */
export async function listRevisions(actor: Actor, page: PageQuery): Promise<RevisionSummary[]> {
  requireRole(actor, "viewer");
  return db().configRevision.findMany({
    where: page.before === undefined ? {} : { number: { lt: page.before } },
    orderBy: { number: "desc" },
    take: page.limit,
    select: {
      number: true,
      summary: true,
      message: true,
      createdAt: true,
      actor: { select: { id: true, email: true } },
    },
  });
}

export async function getRevision(
  actor: Actor,
  number: string,
): Promise<{ revision: number; snapshot: unknown }> {
  requireRole(actor, "viewer");
  const stored = await loadRevision(db(), toRevisionNumber(number));
  if (stored === null) throw new NotFoundError(`No revision ${number}`);
  return stored;
}

/** A rollback is a new revision whose config is the old one's. */
export async function rollback(
  actor: Actor,
  number: string,
  client: ClientInfo,
): Promise<{ revision: number }> {
  requireRole(actor, "editor");
  return rollbackToRevision(db(), {
    actorId: actor.id,
    revision: toRevisionNumber(number),
    clientIp: client.address,
  });
}
