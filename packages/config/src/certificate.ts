import { z } from "zod";

/**
 * TLS certificates as the API takes and shows them. The private key goes in once and never
 * comes back out: every answer carries the fingerprint, names and validity only.
 */
const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]+?-----END [A-Z0-9 ]+-----/;

const pem = (what: string) =>
  z
    .string()
    .trim()
    .max(65_536)
    .regex(PEM_BLOCK, { message: `must be a PEM-encoded ${what}` });

export const CertificateUploadSchema = z.strictObject({
  /** PEM: the leaf first, then each intermediate in issuing order. */
  certificate: pem("certificate chain"),
  /** PEM (PKCS#8 or traditional), unencrypted. */
  privateKey: pem("private key"),
  /** Served to clients whose SNI matches no certificate (or who send none). */
  isDefault: z.boolean().default(false),
});
export type CertificateUpload = z.output<typeof CertificateUploadSchema>;

/** A DNS name or a one-label wildcard (`*.example.com`), lower case. */
const HostNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
    message: "must be a DNS name or *.domain",
  });

export const SelfSignedRequestSchema = z.strictObject({
  hosts: z.array(HostNameSchema).min(1).max(100),
  isDefault: z.boolean().default(false),
  /** Validity from now; 1 to 825 days (what browsers accept for a leaf). */
  validDays: z.number().int().min(1).max(825).default(365),
});
export type SelfSignedRequest = z.output<typeof SelfSignedRequestSchema>;

/** PATCH /api/v1/certificates/{id}: whether the proxy's renewal scheduler reissues it before it expires. */
export const CertificateAutoRenewSchema = z.strictObject({
  autoRenew: z.boolean(),
});
export type CertificateAutoRenew = z.output<typeof CertificateAutoRenewSchema>;

/** Certificates expiring within this many days come back with a warning. */
export const EXPIRY_WARNING_DAYS = 14;

export interface CertificateSummary {
  id: string;
  names: string[];
  /** SHA-256 of the leaf, colon-separated upper-case hex (as node:crypto prints it). */
  fingerprint: string;
  notBefore: string;
  notAfter: string;
  isDefault: boolean;
  /** Reissued by the proxy before it expires (when the proxy runs with PROXY_CERTIFICATE_RENEWAL=on). */
  autoRenew: boolean;
  createdAt: string;
  /** e.g. "expires in 3 days": the certificate needs replacing soon. */
  warnings: string[];
}
