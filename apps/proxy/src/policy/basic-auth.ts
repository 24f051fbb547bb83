import { createHash } from "node:crypto";

import { verify } from "@node-rs/argon2";
import type { Access } from "@concierge/config/route-access";

/**
 * RFC 7617 Basic authentication against the route's users. A successful check is remembered
 * for the revision by the sha256 of the credentials, so a client sending the same header does not
 * cost an argon2 hash on every request; failures are never remembered.
 */
export interface CompiledBasicAuth {
  /** `Basic realm="…", charset="UTF-8"`. */
  readonly challenge: string;
  /** True when `authorization` holds the credentials of a configured user. */
  check(authorization: string | undefined): Promise<boolean>;
}

const MAX_REMEMBERED = 1_000;

export function compileBasicAuth(config: NonNullable<Access["basicAuth"]>): CompiledBasicAuth {
  const hashByUser = new Map(config.users.map((user) => [user.username, user.passwordHash]));
  const remembered = new Set<string>();

  const verifyCredentials = async (encoded: string): Promise<boolean> => {
    const decoded = Buffer.from(encoded, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return false;
    const hash = hashByUser.get(decoded.slice(0, colon));
    if (hash === undefined) return false;
    try {
      return await verify(hash, decoded.slice(colon + 1));
    } catch {
      return false;
    }
  };

  return {
    challenge: `Basic realm="${config.realm}", charset="UTF-8"`,
    async check(authorization) {
      if (authorization === undefined || !/^basic /i.test(authorization)) return false;
      const encoded = authorization.slice(6).trim();
      const key = createHash("sha256").update(encoded).digest("base64");
      if (remembered.has(key)) return true;
      if (!(await verifyCredentials(encoded))) return false;
      if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.values().next().value ?? "");
      remembered.add(key);
      return true;
    },
  };
}
