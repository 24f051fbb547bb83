import { rollbackToRevision } from "@concierge/db/config-change";
import { NotFoundError } from "@concierge/db/errors";
import {
  getRevision as findRevision,
  listRevisions as findRevisions,
  type RevisionDetail,
  type RevisionSummary,
} from "@concierge/db/repositories/revisions";
import { z } from "zod";

import type { Actor } from "../auth/actor.ts";
import type { ClientInfo } from "../auth/client-info.ts";
import { requireRole } from "../auth/roles.ts";
import { db } from "./db.ts";
import { InvalidInputError } from "./errors.ts";
import type { PageQuery } from "./page-query.ts";

export type { RevisionDetail, RevisionSummary };

/** The operator's note on a configuration write, sent as `?message=` on any config mutation. */
const RevisionMessageSchema = z.string().trim().max(500, { message: "must be at most 500 characters" });

export function readRevisionMessage(url: string): string | null {
  const raw = new URL(url).searchParams.get("message");
  if (raw === null) return null;
  const parsed = RevisionMessageSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidInputError("Some fields need attention", [
      { path: "message", message: parsed.error.issues[0]?.message ?? "is invalid" },
    ]);
  }
  return parsed.data === "" ? null : parsed.data;
}

function toRevisionNumber(value: string): number {
  const number = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < 1) throw new NotFoundError(`No revision ${value}`);
  return number;
}

export async function listRevisions(actor: Actor, page: PageQuery): Promise<RevisionSummary[]> {
  requireRole(actor, "viewer");
  return findRevisions(db(), page);
}

/** One revision with its whole snapshot; `revision` repeats `number` for older clients. */
export async function getRevision(
  actor: Actor,
  number: string,
): Promise<RevisionDetail & { revision: number }> {
  requireRole(actor, "viewer");
  const stored = await findRevision(db(), toRevisionNumber(number));
  if (stored === null) throw new NotFoundError(`No revision ${number}`);
  return { ...stored, revision: stored.number };
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
