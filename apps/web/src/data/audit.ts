import { listAuditEntries, type AuditEntry } from "@concierge/db/repositories/audit";
import { z } from "zod";

import type { Actor } from "../auth/actor.ts";
import { requireRole } from "../auth/roles.ts";
import { db } from "./db.ts";
import { InvalidInputError } from "./errors.ts";
import { toFieldErrors } from "./field-errors.ts";

export type AuditEntryDto = AuditEntry;

const optionalText = z
  .string()
  .trim()
  .max(200)
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const AuditQuerySchema = z.object({
  actorId: z.uuid({ message: "must be a user id" }).optional(),
  action: optionalText,
  entityType: optionalText,
  entityId: optionalText,
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.output<typeof AuditQuerySchema>;

/** `?actorId=&action=&entityType=&entityId=&before=&limit=`; an empty parameter filters nothing. */
export function readAuditQuery(url: string): AuditQuery {
  const { searchParams } = new URL(url);
  const raw = Object.fromEntries(
    Object.keys(AuditQuerySchema.shape).flatMap((key) => {
      const value = searchParams.get(key);
      return value === null || (key === "actorId" && value === "") ? [] : [[key, value]];
    }),
  );
  const parsed = AuditQuerySchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidInputError("Invalid query", toFieldErrors(parsed.error.issues));
  }
  return parsed.data;
}

/** Newest first. */
export async function listAudit(actor: Actor, query: AuditQuery): Promise<AuditEntryDto[]> {
  requireRole(actor, "viewer");
  return listAuditEntries(db(), query);
}
