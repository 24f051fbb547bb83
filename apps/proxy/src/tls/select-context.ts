import type { SecureContext } from "node:tls";

import type { CompiledCertificates } from "./certificate-store.ts";

/**
 * SNI → certificate: the exact name, then the wildcard one label up (`*.example.com` covers
 * `a.example.com`, not `a.b.example.com` nor `example.com`, as RFC 6125 §6.4.3 has it), then
 * the default. Undefined leaves the server's own default context in place.
 */
export function selectContext(
  certificates: CompiledCertificates,
  servername: string,
): SecureContext | undefined {
  const name = normaliseServername(servername);
  const exact = certificates.exact.get(name);
  if (exact) return exact;
  const firstDot = name.indexOf(".");
  if (firstDot > 0) {
    const wildcard = certificates.wildcard.get(name.slice(firstDot + 1));
    if (wildcard) return wildcard;
  }
  return certificates.fallbackContext;
}

/** SNI is case-insensitive and may carry the root's trailing dot. */
function normaliseServername(servername: string): string {
  const lower = servername.toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}
