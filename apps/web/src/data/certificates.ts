import {
  EXPIRY_WARNING_DAYS,
  type CertificateAutoRenew,
  type CertificateSummary,
  type CertificateUpload,
  type SelfSignedRequest,
} from "@concierge/config/certificate";
import { encryptPrivateKey, loadSecretKey, type SecretKey } from "@concierge/db/certificate-crypto";
import { generateSelfSigned } from "@concierge/db/self-signed-certificate";
import { applyConfigChange } from "@concierge/db/config-change";
import { NotFoundError } from "@concierge/db/errors";
import {
  createCertificateRepository,
  type CertificateRow,
} from "@concierge/db/repositories/certificates";
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";

import type { Actor } from "../auth/actor.ts";
import type { ClientInfo } from "../auth/client-info.ts";
import { requireRole } from "../auth/roles.ts";
import { env } from "../env.ts";
import { db } from "./db.ts";
import { InvalidInputError } from "./errors.ts";
import { assertId } from "./ids.ts";

/**
 * TLS certificates the proxies serve. An upload is checked as a TLS client would check it (the
 * chain parses, leaf first and each certificate issued by the next, the key matches the leaf,
 * not expired) before its key is encrypted and stored. Keys never come back out.
 */
export type CertificateWithRevision = CertificateSummary & { revision: number };

const DAY_MS = 86_400_000;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

let secretKey: Promise<SecretKey> | undefined;
function installationSecret(): Promise<SecretKey> {
  secretKey ??= loadSecretKey({
    base64: env().CONCIERGE_SECRET_KEY,
    dataDir: env().CONCIERGE_DATA_DIR,
  });
  return secretKey;
}

export async function listCertificates(actor: Actor): Promise<CertificateSummary[]> {
  requireRole(actor, "viewer");
  const rows = await createCertificateRepository(db()).list();
  return rows.map((row) => toSummary(row, new Date()));
}

export async function createCertificate(
  actor: Actor,
  input: CertificateUpload,
  client: ClientInfo,
): Promise<CertificateWithRevision> {
  requireRole(actor, "editor");
  return store(
    actor,
    inspectUpload(input, new Date()),
    input.privateKey,
    input.isDefault,
    client,
    "certificate.create",
  );
}

/** A self-signed certificate for `hosts`, made here: for trying TLS out, not for browsers to trust. */
export async function createSelfSignedCertificate(
  actor: Actor,
  input: SelfSignedRequest,
  client: ClientInfo,
): Promise<CertificateWithRevision> {
  requireRole(actor, "editor");
  const generated = await generateSelfSigned(input.hosts, input.validDays);
  const inspected = inspectUpload(
    { certificate: generated.certificatePem, privateKey: generated.privateKeyPem },
    new Date(),
  );
  return store(
    actor,
    inspected,
    generated.privateKeyPem,
    input.isDefault,
    client,
    "certificate.self-signed",
  );
}

export async function deleteCertificate(
  actor: Actor,
  id: string,
  client: ClientInfo,
): Promise<{ revision: number }> {
  requireRole(actor, "editor");
  assertId(id, "certificate");
  const { revision } = await applyConfigChange(
    db(),
    {
      actorId: actor.id,
      action: "certificate.delete",
      entityType: "certificate",
      entityId: id,
      clientIp: client.address,
    },
    (tx) => createCertificateRepository(tx).delete(id),
  );
  return { revision };
}

/** Marks a certificate for the proxy's renewal scheduler, or takes it off (ADR 0008). */
export async function setCertificateAutoRenew(
  actor: Actor,
  id: string,
  input: CertificateAutoRenew,
  client: ClientInfo,
): Promise<CertificateWithRevision> {
  requireRole(actor, "editor");
  assertId(id, "certificate");
  const { result, revision } = await applyConfigChange(
    db(),
    {
      actorId: actor.id,
      action: "certificate.auto-renew",
      entityType: "certificate",
      entityId: id,
      async readBefore(tx) {
        const current = await createCertificateRepository(tx).find(id);
        if (current === null) throw new NotFoundError(`No certificate has id ${id}`);
        return { autoRenew: current.autoRenew };
      },
      after: { autoRenew: input.autoRenew },
      clientIp: client.address,
    },
    (tx) => createCertificateRepository(tx).setAutoRenew(id, input.autoRenew),
  );
  return { ...toSummary(result, new Date()), revision };
}

interface InspectedChain {
  names: string[];
  certificatePem: string;
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
}

async function store(
  actor: Actor,
  chain: InspectedChain,
  privateKeyPem: string,
  isDefault: boolean,
  client: ClientInfo,
  action: string,
): Promise<CertificateWithRevision> {
  const encryptedPrivateKey = encryptPrivateKey(await installationSecret(), privateKeyPem);
  const summaryOfChange = {
    names: chain.names,
    fingerprint: chain.fingerprint,
    notAfter: chain.notAfter,
    isDefault,
  };
  const { result, revision } = await applyConfigChange(
    db(),
    {
      actorId: actor.id,
      action,
      entityType: "certificate",
      after: summaryOfChange,
      clientIp: client.address,
    },
    (tx) => createCertificateRepository(tx).create({ ...chain, encryptedPrivateKey, isDefault }),
  );
  return { ...toSummary(result, new Date()), revision };
}

function invalid(path: "certificate" | "privateKey", message: string): InvalidInputError {
  return new InvalidInputError("The certificate cannot be used", [{ path, message }]);
}

/** Throws InvalidInputError naming `certificate` or `privateKey`. */
export function inspectUpload(
  input: { certificate: string; privateKey: string },
  now: Date,
): InspectedChain {
  const blocks = input.certificate.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw invalid("certificate", "holds no PEM certificate");
  const chain = blocks.map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw invalid("certificate", `certificate #${index + 1} does not parse`);
    }
  });
  const leaf = chain[0] as X509Certificate;

  let key: KeyObject;
  try {
    key = createPrivateKey(input.privateKey);
  } catch {
    throw invalid("privateKey", "does not parse as an unencrypted PEM private key");
  }
  if (!leaf.checkPrivateKey(key)) {
    if (chain.some((certificate) => certificate.checkPrivateKey(key))) {
      throw invalid(
        "certificate",
        "the private key's certificate must come first, then each issuer in order",
      );
    }
    throw invalid("privateKey", "does not match the certificate's public key");
  }

  for (let index = 0; index + 1 < chain.length; index++) {
    const subject = chain[index] as X509Certificate;
    const issuer = chain[index + 1] as X509Certificate;
    if (!subject.checkIssued(issuer) || !subject.verify(issuer.publicKey)) {
      throw invalid(
        "certificate",
        `certificate #${index + 1} is not issued by certificate #${index + 2}: put the leaf first, then each issuer in order`,
      );
    }
  }

  const notBefore = new Date(leaf.validFrom);
  const notAfter = new Date(leaf.validTo);
  if (notAfter <= now) throw invalid("certificate", `expired on ${notAfter.toISOString()}`);
  const names = namesOf(leaf);
  if (names.length === 0) throw invalid("certificate", "names no DNS host (subjectAltName or CN)");

  return {
    names,
    certificatePem: blocks.join("\n") + "\n",
    fingerprint: leaf.fingerprint256,
    notBefore,
    notAfter,
  };
}

/** The DNS names of the subjectAltName; the CN only when there is none (RFC 6125 §6.4.4). */
function namesOf(leaf: X509Certificate): string[] {
  const altNames = (leaf.subjectAltName ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith("DNS:"))
    .map((entry) => entry.slice(4).toLowerCase());
  if (altNames.length > 0) return [...new Set(altNames)];
  const commonName = /(?:^|\n)CN=([^\n]+)/.exec(leaf.subject)?.[1]?.trim().toLowerCase();
  return commonName ? [commonName] : [];
}

function toSummary(row: CertificateRow, now: Date): CertificateSummary {
  const daysLeft = Math.floor((row.notAfter.getTime() - now.getTime()) / DAY_MS);
  const warnings: string[] = [];
  if (daysLeft < 0) warnings.push(`expired on ${row.notAfter.toISOString()}`);
  else if (daysLeft < EXPIRY_WARNING_DAYS)
    warnings.push(`expires in ${daysLeft} day${daysLeft === 1 ? "" : "s"}`);
  return {
    id: row.id,
    names: row.names,
    fingerprint: row.fingerprint,
    notBefore: row.notBefore.toISOString(),
    notAfter: row.notAfter.toISOString(),
    isDefault: row.isDefault,
    autoRenew: row.autoRenew,
    createdAt: row.createdAt.toISOString(),
    warnings,
  };
}
