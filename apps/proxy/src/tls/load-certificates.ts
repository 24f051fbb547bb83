import { decryptPrivateKey, type SecretKey } from "@concierge/db/certificate-crypto";
import type { Db } from "@concierge/db/client";
import { createCertificateRepository } from "@concierge/db/repositories/certificates";
import type { Logger } from "pino";

import type { CertificateStore, ServingCertificate } from "./certificate-store.ts";

/**
 * The control-plane side of TLS: reads every certificate, decrypts its key with the
 * installation secret and swaps the store's set. Certificates change through
 * applyConfigChange, so running this on start and on each new revision keeps the set current.
 * A failed read keeps the set being served.
 */
export function createCertificateLoader(options: {
  db: Db;
  secretKey: SecretKey;
  store: CertificateStore;
  log: Logger;
}) {
  const { db, secretKey, store, log } = options;
  return {
    async refresh(): Promise<void> {
      let rows;
      try {
        rows = await createCertificateRepository(db).listWithKeys();
      } catch (error) {
        log.warn({ err: error }, "certificates not loaded; keeping the current set");
        return;
      }
      const certificates: ServingCertificate[] = [];
      for (const row of rows) {
        try {
          certificates.push({
            id: row.id,
            names: row.names,
            certificatePem: row.certificatePem,
            privateKeyPem: decryptPrivateKey(secretKey, row.encryptedPrivateKey),
            isDefault: row.isDefault,
          });
        } catch (error) {
          log.error(
            { err: error, certificateId: row.id },
            "certificate key not decryptable with this node's secret key",
          );
        }
      }
      for (const { id, reason } of store.replace(certificates)) {
        log.error({ certificateId: id, reason }, "certificate not served");
      }
      log.info({ certificates: certificates.length }, "certificates applied");
    },
  };
}
