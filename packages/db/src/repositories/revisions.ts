import type { Db, Tx } from "../client.ts";

export interface RevisionSummary {
  number: number;
  /** The action that produced it, e.g. "route.create". */
  summary: string;
  /** The operator's note, when one was given. */
  message: string | null;
  actor: { id: string; email: string } | null;
  createdAt: Date;
}

export interface RevisionDetail extends RevisionSummary {
  /** As stored: a ConfigSnapshot, unvalidated. */
  snapshot: unknown;
}

export interface RevisionPage {
  /** Only revisions numbered below this; absent: from the newest. */
  before?: number;
  limit: number;
}

const summaryFields = {
  number: true,
  summary: true,
  message: true,
  createdAt: true,
  actor: { select: { id: true, email: true } },
} as const;

/** Newest first. */
export function listRevisions(db: Db | Tx, page: RevisionPage): Promise<RevisionSummary[]> {
  return db.configRevision.findMany({
    where: page.before === undefined ? {} : { number: { lt: page.before } },
    orderBy: { number: "desc" },
    take: page.limit,
    select: summaryFields,
  });
}

export function getRevision(db: Db | Tx, number: number): Promise<RevisionDetail | null> {
  return db.configRevision.findUnique({
    where: { number },
    select: { ...summaryFields, snapshot: true },
  });
}
