import { createLoginAttemptRepository } from "@concierge/db/repositories/login-attempts";

import { db } from "../data/db.ts";
import { TooManyRequestsError } from "../data/errors.ts";

const WINDOW_MS = 15 * 60 * 1000;
/** Guessing one account's password is stopped sooner than a whole address's traffic. */
const MAX_FAILURES_PER_ACCOUNT = 5;
const MAX_FAILURES_PER_ADDRESS = 20;

function keysFor(email: string, address: string) {
  return { account: `account:${email.toLowerCase()}`, address: `ip:${address}` };
}

/** Throws TooManyRequestsError while the account or the client address is over its limit. */
export async function assertLoginAllowed(
  email: string,
  address: string,
  now = new Date(),
): Promise<void> {
  const attempts = createLoginAttemptRepository(db());
  const keys = keysFor(email, address);
  const since = new Date(now.getTime() - WINDOW_MS);
  const limits = [
    { key: keys.account, max: MAX_FAILURES_PER_ACCOUNT },
    { key: keys.address, max: MAX_FAILURES_PER_ADDRESS },
  ];
  for (const { key, max } of limits) {
    const { count, oldest } = await attempts.recentFailures(key, since);
    if (count >= max) {
      const freesAtMs = (oldest ?? now).getTime() + WINDOW_MS;
      const retryAfterSeconds = Math.max(1, Math.ceil((freesAtMs - now.getTime()) / 1000));
      throw new TooManyRequestsError(
        "Too many failed sign-ins; try again later",
        retryAfterSeconds,
      );
    }
  }
}

/**
 * A failure counts against both the account and the address; a success clears only the account,
 * so signing in to one's own account does not reset an address that is guessing others.
 */
export async function recordLoginResult(
  email: string,
  address: string,
  succeeded: boolean,
): Promise<void> {
  const keys = keysFor(email, address);
  await createLoginAttemptRepository(db()).record(
    succeeded ? [keys.account] : [keys.account, keys.address],
    succeeded,
  );
}
