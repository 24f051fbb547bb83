import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Private keys at rest: AES-256-GCM under one 32-byte installation secret, so a database dump
 * alone does not hand out the keys. The secret comes from CONCIERGE_SECRET_KEY (base64) or
 * `<dataDir>/secret-key`, written 0600 on first use; every node serving TLS needs the same one.
 */
const FORMAT = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type SecretKey = Buffer & { readonly __secretKey: unique symbol };

function asSecretKey(bytes: Buffer, source: string): SecretKey {
  if (bytes.length !== 32)
    throw new Error(`${source} must hold 32 bytes (base64), found ${bytes.length}`);
  return bytes as SecretKey;
}

export async function loadSecretKey(options: {
  base64?: string;
  dataDir: string;
}): Promise<SecretKey> {
  if (options.base64)
    return asSecretKey(Buffer.from(options.base64, "base64"), "CONCIERGE_SECRET_KEY");
  const file = join(options.dataDir, "secret-key");
  try {
    return asSecretKey(Buffer.from((await readFile(file, "utf8")).trim(), "base64"), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await mkdir(options.dataDir, { recursive: true });
  try {
    // "wx": two processes starting together must not each write their own secret.
    await writeFile(file, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return asSecretKey(Buffer.from((await readFile(file, "utf8")).trim(), "base64"), file);
}

export function encryptPrivateKey(key: SecretKey, privateKeyPem: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(privateKeyPem, "utf8"), cipher.final()]);
  return `${FORMAT}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64")}`;
}

/** Throws when the value was not encrypted under `key` or was altered. */
export function decryptPrivateKey(key: SecretKey, encrypted: string): string {
  const [format, payload = ""] = encrypted.split(":", 2);
  if (format !== FORMAT) throw new Error(`unknown private key format "${format}"`);
  const bytes = Buffer.from(payload, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV_BYTES));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([
    decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
    decipher.final(),
  ]).toString("utf8");
}
