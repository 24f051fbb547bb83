/**
 * Issuing certificates, behind one interface so the renewal loop does not know who signs. An
 * ACME client (RFC 8555) implements it by ordering a certificate for `names`, publishing each
 * HTTP-01 key authorization on the board and withdrawing it once the authorization is valid;
 * the self-signed issuer needs no challenge. docs/decisions/0008 describes the ACME side.
 */
export interface ChallengeBoard {
  /** Every proxy answers `/.well-known/acme-challenge/<token>` with `keyAuthorization` until `expiresAt`. */
  publish(challenge: { token: string; keyAuthorization: string; expiresAt: Date }): Promise<void>;
  withdraw(token: string): Promise<void>;
}

export interface IssuedCertificate {
  /** Leaf first, then each issuer in order. */
  certificatePem: string;
  /** Unencrypted PKCS #8; encrypted before it is stored. */
  privateKeyPem: string;
}

export interface CertificateIssuer {
  /** For logs and the audit entry: "self-signed", "acme:<directory>". */
  readonly name: string;
  issue(names: readonly string[], board: ChallengeBoard): Promise<IssuedCertificate>;
}
