import { createHash } from "node:crypto";

/** Stored form of a high-entropy secret (session, API or node token): lowercase hex sha256. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
