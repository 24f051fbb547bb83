import { createPrivateKey, X509Certificate } from "node:crypto";

import { encryptPrivateKey, type SecretKey } from "@concierge/db/certificate-crypto";
import type { Db } from "@concierge/db/client";
import { applyConfigChange } from "@concierge/db/config-change";
import { createAcmeChallengeRepository } from "@concierge/db/repositories/acme-challenges";
import {
  createCertificateRepository,
  type CertificateRow,
  type RenewedValues,
} from "@concierge/db/repositories/certificates";

import type { Logger } from "../logger.ts";
import type { ChallengeBoard, CertificateIssuer } from "./certificate-issuer.ts";

const DAY_MS = 86_400_000;
/** Longer than any issuance takes: a node that dies mid-renewal holds its certificate this long at most. */
const CLAIM_MS = 15 * 60_000;

export type RenewalOutcome =
  | { id: string; names: string[]; outcome: "renewed"; revision: number; notAfter: Date }
  /** Another node renews it now, or renewed or removed it first. */
  | { id: string; names: string[]; outcome: "superseded" }
  | { id: string; names: string[]; outcome: "failed"; error: unknown };

export interface RenewalScheduler {
  /** One pass: every auto-renewed certificate expiring within the window, one after another. */
  runOnce(): Promise<RenewalOutcome[]>;
  /** A pass now and then every `checkEveryMs`; passes never overlap. */
  start(): void;
  stop(): Promise<void>;
}

class Superseded extends Error {
  override readonly name = "Superseded";
}

/**
 * Renews certificates marked autoRenew before they expire. A node claims a certificate in the
 * database before asking the issuer, so nodes running the scheduler side by side never order the
 * same certificate twice (an ACME CA counts duplicate orders against its rate limits). The new
 * chain is stored as an upload is, through applyConfigChange (a revision, an audit entry, the
 * proxies' notification), so every proxy loads it with the next revision and serves it to new
 * handshakes while open connections carry on. Challenges go on the board as revisions too, for
 * every node to answer.
 */
export function createRenewalScheduler(options: {
  db: Db;
  issuer: CertificateIssuer;
  secretKey: SecretKey;
  renewBeforeDays: number;
  checkEveryMs: number;
  log: Logger;
  now?: () => Date;
}): RenewalScheduler {
  const { db, issuer, log } = options;
  const now = options.now ?? (() => new Date());

  const board: ChallengeBoard = {
    async publish(challenge) {
      await applyConfigChange(
        db,
        {
          actorId: null,
          action: "acme.challenge.publish",
          entityType: "acme-challenge",
          entityId: challenge.token,
        },
        (tx) => createAcmeChallengeRepository(tx).publish(challenge),
      );
    },
    async withdraw(token) {
      await applyConfigChange(
        db,
        {
          actorId: null,
          action: "acme.challenge.withdraw",
          entityType: "acme-challenge",
          entityId: token,
        },
        (tx) => createAcmeChallengeRepository(tx).withdraw(token, now()),
      );
    },
  };

  function describe(
    row: CertificateRow,
    certificatePem: string,
    privateKeyPem: string,
  ): RenewedValues {
    const leaf = new X509Certificate(certificatePem);
    if (!leaf.checkPrivateKey(createPrivateKey(privateKeyPem))) {
      throw new Error(
        `${issuer.name} issued a certificate for ${row.names.join(", ")} that its key does not match`,
      );
    }
    return {
      names: row.names,
      certificatePem,
      encryptedPrivateKey: encryptPrivateKey(options.secretKey, privateKeyPem),
      fingerprint: leaf.fingerprint256,
      notBefore: new Date(leaf.validFrom),
      notAfter: new Date(leaf.validTo),
    };
  }

  async function renew(row: CertificateRow): Promise<RenewalOutcome> {
    const base = { id: row.id, names: row.names };
    const repository = createCertificateRepository(db);
    const claimedAt = now();
    const claimedUntil = new Date(claimedAt.getTime() + CLAIM_MS);
    if (!(await repository.claimRenewal(row.id, row.fingerprint, claimedAt, claimedUntil))) {
      return { ...base, outcome: "superseded" };
    }
    try {
      const issued = await issuer.issue(row.names, board);
      const values = describe(row, issued.certificatePem, issued.privateKeyPem);
      const { revision } = await applyConfigChange(
        db,
        {
          actorId: null,
          action: "certificate.renew",
          entityType: "certificate",
          entityId: row.id,
          before: { fingerprint: row.fingerprint, notAfter: row.notAfter },
          after: {
            fingerprint: values.fingerprint,
            notAfter: values.notAfter,
            issuer: issuer.name,
          },
        },
        async (tx) => {
          if (!(await createCertificateRepository(tx).renew(row.id, row.fingerprint, values)))
            throw new Superseded();
        },
      );
      log.info(
        { certificate: row.id, names: row.names, revision, issuer: issuer.name },
        "certificate renewed",
      );
      return { ...base, outcome: "renewed", revision, notAfter: values.notAfter };
    } catch (error) {
      if (error instanceof Superseded) return { ...base, outcome: "superseded" };
      await repository.releaseRenewal(row.id, claimedUntil).catch(() => {
        // The claim then runs out by itself: the next pass after it retries.
      });
      log.error(
        { err: error, certificate: row.id, names: row.names },
        "certificate renewal failed; retried next pass",
      );
      return { ...base, outcome: "failed", error };
    }
  }

  async function runOnce(): Promise<RenewalOutcome[]> {
    const due = await createCertificateRepository(db).listDueForRenewal(
      new Date(now().getTime() + options.renewBeforeDays * DAY_MS),
    );
    const outcomes: RenewalOutcome[] = [];
    for (const row of due) outcomes.push(await renew(row));
    return outcomes;
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const pass = (): void => {
    running ??= runOnce()
      .then(
        () => {},
        (error: unknown) => log.error({ err: error }, "certificate renewal pass failed"),
      )
      .finally(() => (running = undefined));
  };

  return {
    runOnce,
    start() {
      pass();
      timer = setInterval(pass, options.checkEveryMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
