import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The HTTP-01 side of ACME on the data port (RFC 8555 §8.3): a GET for
 * `/.well-known/acme-challenge/<token>` of a pending challenge is answered with its key
 * authorization before routing. Any other request, other tokens under that path included, goes
 * on to the routes as before. With nothing pending (always, while renewal is off) the cost is
 * one size check per request.
 */
export interface ChallengeResponder {
  /** True when it answered the request. */
  answer(req: IncomingMessage, res: ServerResponse): boolean;
  replace(
    pending: ReadonlyArray<{ token: string; keyAuthorization: string; expiresAt: Date }>,
  ): void;
}

const CHALLENGE_PATH = "/.well-known/acme-challenge/";

export function createChallengeResponder(now: () => number = Date.now): ChallengeResponder {
  let pending = new Map<string, { keyAuthorization: string; expiresAtMs: number }>();
  return {
    answer(req, res) {
      if (pending.size === 0 || req.method !== "GET") return false;
      const url = req.url ?? "";
      if (!url.startsWith(CHALLENGE_PATH)) return false;
      const challenge = pending.get(url.slice(CHALLENGE_PATH.length));
      if (!challenge || challenge.expiresAtMs <= now()) return false;
      res.writeHead(200, {
        "content-type": "application/octet-stream",
        "content-length": Buffer.byteLength(challenge.keyAuthorization),
        "cache-control": "no-store",
      });
      res.end(challenge.keyAuthorization);
      return true;
    },
    replace(challenges) {
      pending = new Map(
        challenges.map(({ token, keyAuthorization, expiresAt }) => [
          token,
          { keyAuthorization, expiresAtMs: expiresAt.getTime() },
        ]),
      );
    },
  };
}
