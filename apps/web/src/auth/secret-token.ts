import { randomBytes } from "node:crypto";

/** 32 random bytes, URL-safe; `prefix` marks what kind of secret it is (e.g. "ck_"). */
export function createSecretToken(prefix = ""): string {
  return prefix + randomBytes(32).toString("base64url");
}
