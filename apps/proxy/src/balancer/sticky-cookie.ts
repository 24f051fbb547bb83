import { createHash } from "node:crypto";

import type { Pool } from "@concierge/config/pool";

import type { Balancer, BalancerTarget } from "./balancer.ts";
import { readCookie } from "./read-cookie.ts";
import { SmoothWeights } from "./smooth-weights.ts";

/**
 * Session affinity: a client carrying the cookie goes back to the target it names while that
 * target is eligible; anyone else is placed by smooth weighted round robin and gets the cookie.
 * The cookie holds a digest of the target id, so it reveals neither ids nor addresses.
 */
export function createStickyCookie(options: Pool["stickyCookie"]): Balancer {
  const weights = new SmoothWeights();
  const tokens = new Map<string, string>();
  const setCookies = new Map<string, Record<string, string>>();
  const attributes = `; Path=/; HttpOnly; SameSite=Lax${options.ttlSeconds > 0 ? `; Max-Age=${options.ttlSeconds}` : ""}`;

  function tokenOf(target: BalancerTarget): string {
    let token = tokens.get(target.id);
    if (token === undefined) {
      token = createHash("sha256").update(target.id).digest("base64url").slice(0, 16);
      tokens.set(target.id, token);
    }
    return token;
  }

  return {
    strategy: "sticky_cookie",
    pick(eligible, input, tried) {
      const wanted = readCookie(input.headers.cookie, options.name);
      if (wanted !== undefined) {
        for (const target of eligible) {
          if (tokenOf(target) === wanted && !tried?.has(target)) return target;
        }
      }
      return weights.pick(eligible, tried);
    },
    peek(eligible, input) {
      const wanted = readCookie(input.headers.cookie, options.name);
      return eligible.find((target) => tokenOf(target) === wanted) ?? weights.peek(eligible);
    },
    responseHeaders(target, input) {
      const token = tokenOf(target);
      if (readCookie(input.headers.cookie, options.name) === token) return undefined;
      let headers = setCookies.get(target.id);
      if (!headers) {
        headers = { "set-cookie": `${options.name}=${token}${attributes}` };
        setCookies.set(target.id, headers);
      }
      return headers;
    },
  };
}
