/**
 * What every TLS context of the data port shares: TLS 1.2 and 1.3 only, and for 1.2 the
 * forward-secret AEAD suites of Mozilla's "intermediate" profile (TLS 1.3 suites are all fine
 * and set separately by OpenSSL). The SNI-selected contexts use the same policy, so a client's
 * name cannot lower it.
 */
export const TLS_POLICY = {
  minVersion: "TLSv1.2",
  ciphers: [
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
  ].join(":"),
  honorCipherOrder: true,
} as const;
