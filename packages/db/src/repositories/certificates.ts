import type { Prisma } from "../../generated/prisma/client.ts";
import type { Db, Tx } from "../client.ts";
import { NotFoundError, isNotFound } from "../errors.ts";

/** What a certificate row holds once its chain was inspected and its key encrypted. */
export interface CertificateValues {
  names: string[];
  certificatePem: string;
  encryptedPrivateKey: string;
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  isDefault: boolean;
  /** Reissued before it expires by the proxy's renewal scheduler; default false. */
  autoRenew?: boolean;
}

/** What a renewal replaces: the chain, the key and what is read from them; names may change with the issuer's answer. */
export type RenewedValues = Omit<CertificateValues, "isDefault" | "autoRenew">;

/** Everything but the key: what lists and API answers are made of. */
const summaryFields = {
  id: true,
  names: true,
  fingerprint: true,
  notBefore: true,
  notAfter: true,
  isDefault: true,
  autoRenew: true,
  createdAt: true,
} as const satisfies Prisma.CertificateSelect;

export type CertificateRow = Prisma.CertificateGetPayload<{ select: typeof summaryFields }>;

export function createCertificateRepository(db: Db | Tx) {
  return {
    list: (): Promise<CertificateRow[]> =>
      db.certificate.findMany({
        select: summaryFields,
        orderBy: [{ notAfter: "asc" }, { id: "asc" }],
      }),

    find: (id: string): Promise<CertificateRow | null> =>
      db.certificate.findUnique({ where: { id }, select: summaryFields }),

    /** With the encrypted keys: for the proxy's certificate loader only. */
    listWithKeys: () =>
      db.certificate.findMany({
        select: {
          id: true,
          names: true,
          certificatePem: true,
          encryptedPrivateKey: true,
          isDefault: true,
        },
        orderBy: { createdAt: "asc" },
      }),

    /** The new default replaces the old one: at most one default at a time. */
    async create(values: CertificateValues): Promise<CertificateRow> {
      if (values.isDefault)
        await db.certificate.updateMany({ where: { isDefault: true }, data: { isDefault: false } });
      return db.certificate.create({ data: values, select: summaryFields });
    },

    /** Auto-renewed certificates that expire before `before`, soonest first. */
    listDueForRenewal: (before: Date): Promise<CertificateRow[]> =>
      db.certificate.findMany({
        select: summaryFields,
        where: { autoRenew: true, notAfter: { lt: before } },
        orderBy: [{ notAfter: "asc" }, { id: "asc" }],
      }),

    /**
     * Claims the renewal of the certificate with `fingerprint` until `until`, unless another
     * node's claim still runs at `now`. One row update, so of two nodes claiming at once one
     * wins. False: claimed elsewhere, or renewed or removed meanwhile.
     */
    async claimRenewal(id: string, fingerprint: string, now: Date, until: Date): Promise<boolean> {
      const { count } = await db.certificate.updateMany({
        where: {
          id,
          fingerprint,
          OR: [{ renewalClaimedUntil: null }, { renewalClaimedUntil: { lte: now } }],
        },
        data: { renewalClaimedUntil: until },
      });
      return count === 1;
    },

    /** Gives up a claim that failed, if it is still this one, so the next pass anywhere retries. */
    async releaseRenewal(id: string, until: Date): Promise<void> {
      await db.certificate.updateMany({
        where: { id, renewalClaimedUntil: until },
        data: { renewalClaimedUntil: null },
      });
    },

    /**
     * Replaces a certificate in place (same id, default flag and renewal flag), only while it is
     * still the one with `fingerprint`: of two nodes renewing at once, one write wins. False: it
     * was renewed or removed meanwhile. Ends the renewal's claim.
     */
    async renew(id: string, fingerprint: string, values: RenewedValues): Promise<boolean> {
      const { count } = await db.certificate.updateMany({
        where: { id, fingerprint },
        data: { ...values, renewalClaimedUntil: null },
      });
      return count === 1;
    },

    async setAutoRenew(id: string, autoRenew: boolean): Promise<CertificateRow> {
      try {
        return await db.certificate.update({
          where: { id },
          data: { autoRenew },
          select: summaryFields,
        });
      } catch (error) {
        if (isNotFound(error)) throw new NotFoundError(`no certificate has id ${id}`);
        throw error;
      }
    },

    async delete(id: string): Promise<CertificateRow> {
      try {
        return await db.certificate.delete({ where: { id }, select: summaryFields });
      } catch (error) {
        if (isNotFound(error)) throw new NotFoundError(`no certificate has id ${id}`);
        throw error;
      }
    },
  };
}
