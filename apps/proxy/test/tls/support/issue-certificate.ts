import "reflect-metadata";

import { randomBytes, webcrypto } from "node:crypto";

import * as x509 from "@peculiar/x509";

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;

export interface IssuedCertificate {
  certificatePem: string;
  privateKeyPem: string;
  certificate: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
}

/**
 * A P-256 certificate for `names`, self-signed or signed by `issuer`; valid from yesterday for
 * 30 days unless told otherwise. CAs get basicConstraints cA and keyCertSign.
 */
export async function issueCertificate(options: {
  names: string[];
  issuer?: IssuedCertificate;
  ca?: boolean;
  notBefore?: Date;
  notAfter?: Date;
}): Promise<IssuedCertificate> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const subject = `CN=${options.names[0] ?? "concierge test"}`;
  const ca = options.ca ?? false;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(8)
      .toString("hex")
      .replace(/^[89a-f]/, "1"),
    subject,
    issuer: options.issuer?.certificate.subject ?? subject,
    notBefore: options.notBefore ?? new Date(Date.now() - DAY_MS),
    notAfter: options.notAfter ?? new Date(Date.now() + 30 * DAY_MS),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: options.issuer?.keys.privateKey ?? keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(ca, undefined, true),
      new x509.KeyUsagesExtension(
        ca
          ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
          : x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      ...(ca
        ? []
        : [
            new x509.SubjectAlternativeNameExtension(
              options.names.map((value) => ({ type: "dns" as const, value })),
            ),
          ]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  return {
    certificatePem: certificate.toString("pem"),
    privateKeyPem: x509.PemConverter.encode(pkcs8, "PRIVATE KEY"),
    certificate,
    keys,
  };
}
