import "reflect-metadata";

import { randomBytes, webcrypto } from "node:crypto";

import * as x509 from "@peculiar/x509";

const DAY_MS = 86_400_000;
const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export interface GeneratedCertificate {
  certificatePem: string;
  /** PKCS #8, unencrypted: encrypt it with certificate-crypto before storing it. */
  privateKeyPem: string;
}

/**
 * A P-256 server certificate for `hosts`, signed by its own key, valid from a minute ago for
 * `validDays`: for trying TLS out, and the certificate issuer of the renewal loop when no CA is
 * reachable. Browsers do not trust it.
 */
export async function generateSelfSigned(
  hosts: readonly string[],
  validDays: number,
): Promise<GeneratedCertificate> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    // Positive, 64 bits of randomness (RFC 5280 §4.1.2.2).
    serialNumber: `01${randomBytes(8).toString("hex")}`,
    name: `CN=${hosts[0]}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + validDays * DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        hosts.map((value) => ({ type: "dns" as const, value })),
      ),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return {
    certificatePem: certificate.toString("pem"),
    privateKeyPem: x509.PemConverter.encode(Buffer.from(pkcs8), "PRIVATE KEY"),
  };
}
