import { generateSelfSigned } from "@concierge/db/self-signed-certificate";

import type { CertificateIssuer } from "./certificate-issuer.ts";

/** The issuer that works without the internet: the dashboard's "generate a self-signed certificate". */
export function createSelfSignedIssuer(options: { validDays: number }): CertificateIssuer {
  return {
    name: "self-signed",
    issue: (names) => generateSelfSigned(names, options.validDays),
  };
}
