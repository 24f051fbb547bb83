import { loadSecretKey } from "@concierge/db/certificate-crypto";
import type { Db } from "@concierge/db/client";
import { createAcmeChallengeRepository } from "@concierge/db/repositories/acme-challenges";

import type { ConfigSync } from "../config/watch-revisions.ts";
import type { Lifecycle } from "../lifecycle.ts";
import type { Logger } from "../logger.ts";
import type { ChallengeResponder } from "./challenge-responder.ts";
import { createRenewalScheduler } from "./renewal-scheduler.ts";
import { createSelfSignedIssuer } from "./self-signed-issuer.ts";

export interface RenewalSettings {
  renewBeforeDays: number;
  checkEveryMs: number;
  /** Validity of what the self-signed issuer makes. */
  validDays: number;
}

/**
 * Certificate renewal on a worker (PROXY_CERTIFICATE_RENEWAL=on): pending challenges are
 * reloaded into the data port's responder with every revision (publishing one is a revision),
 * and the first worker of the node runs the renewal scheduler. The issuer is the self-signed
 * one: an ACME issuer takes its place where the internet is reachable (docs/decisions/0008).
 */
export async function serveRenewals(options: {
  db: Db;
  secretKeyBase64: string | undefined;
  dataDir: string;
  sync: ConfigSync;
  responder: ChallengeResponder;
  runsScheduler: boolean;
  settings: RenewalSettings;
  lifecycle: Lifecycle;
  log: Logger;
}): Promise<void> {
  const { db, log } = options;
  const challenges = createAcmeChallengeRepository(db);
  const reload = async (): Promise<void> => {
    try {
      options.responder.replace(await challenges.listPending(new Date()));
    } catch (error) {
      log.warn({ err: error }, "pending ACME challenges not reloaded; keeping the last ones");
    }
  };
  await reload();
  let loadedFor = options.sync.status().revision;
  options.sync.onChange(({ revision }) => {
    if (revision === loadedFor) return;
    loadedFor = revision;
    void reload();
  });

  if (!options.runsScheduler) return;
  const scheduler = createRenewalScheduler({
    db,
    issuer: createSelfSignedIssuer({ validDays: options.settings.validDays }),
    secretKey: await loadSecretKey({ base64: options.secretKeyBase64, dataDir: options.dataDir }),
    renewBeforeDays: options.settings.renewBeforeDays,
    checkEveryMs: options.settings.checkEveryMs,
    log,
  });
  scheduler.start();
  options.lifecycle.defer("certificate renewal", () => scheduler.stop());
}
