import { createSecureContext, type SecureContext } from "node:tls";

import { TLS_POLICY } from "./tls-policy.ts";

/**
 * The certificates the TLS listener serves, compiled once per change: one SecureContext per
 * certificate, indexed by exact name and by wildcard suffix. A handshake only looks names up;
 * `replace` swaps the whole set at once, and open connections keep the context they began with.
 */
export interface ServingCertificate {
  id: string;
  /** Lower-case DNS names; `*.example.com` covers exactly one label. */
  names: readonly string[];
  certificatePem: string;
  privateKeyPem: string;
  isDefault: boolean;
}

export interface CompiledCertificates {
  readonly exact: ReadonlyMap<string, SecureContext>;
  /** `*.example.com` is kept under `example.com`. */
  readonly wildcard: ReadonlyMap<string, SecureContext>;
  /** For clients whose name matches nothing. */
  readonly fallback: ServingCertificate | undefined;
  /** The default's context; without a default, one holding no certificate, so the handshake fails. */
  readonly fallbackContext: SecureContext;
}

export interface CertificateSource {
  current(): CompiledCertificates;
  /** Called after each replace, with the new set. Returns the unsubscribe. */
  onChange(listener: (certificates: CompiledCertificates) => void): () => void;
}

export interface CertificateStore extends CertificateSource {
  /** Compiles and swaps in `certificates`; ones node cannot load are left out and returned. */
  replace(certificates: readonly ServingCertificate[]): Array<{ id: string; reason: string }>;
}

export function createCertificateStore(
  initial: readonly ServingCertificate[] = [],
): CertificateStore {
  let compiled = compileCertificates([]).result;
  const listeners = new Set<(certificates: CompiledCertificates) => void>();

  const store: CertificateStore = {
    current: () => compiled,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    replace(certificates) {
      const { result, rejected } = compileCertificates(certificates);
      compiled = result;
      for (const listener of listeners) listener(compiled);
      return rejected;
    },
  };
  if (initial.length > 0) store.replace(initial);
  return store;
}

/** Later entries win a name both claim: list them oldest first and the newest upload serves. */
function compileCertificates(certificates: readonly ServingCertificate[]) {
  const exact = new Map<string, SecureContext>();
  const wildcard = new Map<string, SecureContext>();
  const rejected: Array<{ id: string; reason: string }> = [];
  let fallback: ServingCertificate | undefined;
  let fallbackContext = createSecureContext(TLS_POLICY);

  for (const certificate of certificates) {
    let context: SecureContext;
    try {
      context = createSecureContext({
        ...TLS_POLICY,
        cert: certificate.certificatePem,
        key: certificate.privateKeyPem,
      });
    } catch (error) {
      rejected.push({ id: certificate.id, reason: (error as Error).message });
      continue;
    }
    for (const name of certificate.names) {
      if (name.startsWith("*.")) wildcard.set(name.slice(2), context);
      else exact.set(name, context);
    }
    if (certificate.isDefault) {
      fallback = certificate;
      fallbackContext = context;
    }
  }
  return { result: { exact, wildcard, fallback, fallbackContext }, rejected };
}
