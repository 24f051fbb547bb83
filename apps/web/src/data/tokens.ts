import {
  createApiTokenRepository,
  type ApiTokenRecord,
} from "@concierge/db/repositories/api-tokens";
import { NotFoundError } from "@concierge/db/errors";
import { recordAuditEntry } from "@concierge/db/repositories/audit";
import { hashToken } from "@concierge/db/token-hash";
import { z } from "zod";

import type { Actor } from "../auth/actor.ts";
import { hasRole } from "../auth/roles.ts";
import { createSecretToken } from "../auth/secret-token.ts";
import { db } from "./db.ts";

export const TOKEN_PREFIX = "ck_";
/** Enough of the token to recognise it in a list, too little to guess the rest. */
const VISIBLE_CHARACTERS = TOKEN_PREFIX.length + 6;

export const CreateTokenSchema = z.strictObject({
  name: z.string().trim().min(1, { message: "must not be empty" }).max(100),
});
export type CreateToken = z.output<typeof CreateTokenSchema>;

export type ApiTokenDto = Omit<ApiTokenRecord, "revokedAt">;

function toApiTokenDto({ revokedAt: _revokedAt, ...token }: ApiTokenRecord): ApiTokenDto {
  return token;
}

/** Admins see every live token; everyone else sees their own. */
export async function listTokens(actor: Actor): Promise<ApiTokenDto[]> {
  const filter = hasRole(actor, "admin") ? {} : { userId: actor.id };
  return (await createApiTokenRepository(db()).list(filter)).map(toApiTokenDto);
}

/** The secret is in this answer only; the database keeps its sha256. */
export async function createToken(
  actor: Actor,
  input: CreateToken,
): Promise<ApiTokenDto & { token: string }> {
  const token = createSecretToken(TOKEN_PREFIX);
  const created = await db().$transaction(async (tx) => {
    const record = await createApiTokenRepository(tx).create({
      name: input.name,
      tokenHash: hashToken(token),
      prefix: token.slice(0, VISIBLE_CHARACTERS),
      userId: actor.id,
    });
    await recordAuditEntry(tx, {
      actorId: actor.id,
      action: "token.create",
      entityType: "api_token",
      entityId: record.id,
      after: { name: record.name, prefix: record.prefix },
    });
    return record;
  });
  return { ...toApiTokenDto(created), token };
}

/** Owners revoke their own tokens, admins anyone's; others' tokens are reported as missing. */
export async function revokeToken(actor: Actor, id: string): Promise<void> {
  const tokens = createApiTokenRepository(db());
  const token = z.uuid().safeParse(id).success ? await tokens.findById(id) : null;
  if (
    token === null ||
    token.revokedAt !== null ||
    (token.userId !== actor.id && !hasRole(actor, "admin"))
  ) {
    throw new NotFoundError(`No token has id ${id}`);
  }
  await db().$transaction(async (tx) => {
    await createApiTokenRepository(tx).revoke(id, new Date());
    await recordAuditEntry(tx, {
      actorId: actor.id,
      action: "token.revoke",
      entityType: "api_token",
      entityId: id,
      before: { name: token.name, prefix: token.prefix },
    });
  });
}
