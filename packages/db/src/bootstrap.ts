import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";

import type { Db } from "./client.ts";
import { recordConfigChange, TRANSACTION_OPTIONS } from "./config-change.ts";
import { isUniqueViolation } from "./errors.ts";
import { type Logger, silentLogger } from "./logger.ts";
import { hashPassword } from "./password.ts";
import { hashToken } from "./token-hash.ts";

/** Held while an installation is prepared, so concurrent starts create one admin and one revision 1. */
const BOOTSTRAP_LOCK_KEY = 0x626f6f74; // "boot"

export const INSTALLATION_ID_SETTING = "installation_id";
export const DEFAULT_ADMIN_EMAIL = "admin@localhost";
export const INITIAL_PASSWORD_FILE = "initial-admin-password";
export const NODE_TOKEN_FILE = "node-token";

export interface BootstrapResult {
  /** Short and random; the proxy's `Via` pseudonym is `concierge-<installationId>`. */
  installationId: string;
  adminCreated: boolean;
  /** Set when a generated first-admin password was written there. */
  initialPasswordFile?: string;
}

/**
 * Makes a fresh installation usable, and does nothing more on later starts: an installation id,
 * revision 1 (an empty configuration) and, when no user exists at all, a first admin. An existing
 * user is never touched.
 */
export async function bootstrapInstallation(
  db: Db,
  options: { adminEmail?: string; adminPassword?: string; dataDir: string; log?: Logger },
): Promise<BootstrapResult> {
  const { adminEmail, adminPassword, dataDir, log = silentLogger } = options;
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK_KEY})`;

    const setting = await tx.setting.upsert({
      where: { key: INSTALLATION_ID_SETTING },
      create: { key: INSTALLATION_ID_SETTING, value: randomBytes(4).toString("hex") },
      update: {},
    });
    if (typeof setting.value !== "string") {
      throw new Error(
        `settings.${INSTALLATION_ID_SETTING} holds ${JSON.stringify(setting.value)}, not an id`,
      );
    }
    const installationId = setting.value;

    if ((await tx.configRevision.count()) === 0) {
      const { revision } = await recordConfigChange(
        tx,
        {
          actorId: null,
          action: "config.initialise",
          entityType: "config_revision",
          message: "empty configuration",
        },
        async () => {},
      );
      log.info({ revision }, "initial configuration recorded");
    }

    if ((await tx.user.count()) > 0) return { installationId, adminCreated: false };

    const email = adminEmail ?? DEFAULT_ADMIN_EMAIL;
    const givenPassword = adminPassword || undefined;
    const password = givenPassword ?? randomBytes(18).toString("base64url");
    await tx.user.create({
      data: {
        email,
        role: "admin",
        passwordHash: await hashPassword(password),
        mustChangePassword: givenPassword === undefined,
      },
    });
    if (givenPassword !== undefined) {
      log.info({ email }, "first admin created");
      return { installationId, adminCreated: true };
    }
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const initialPasswordFile = join(dataDir, INITIAL_PASSWORD_FILE);
    await writeFile(initialPasswordFile, `${password}\n`, { mode: 0o600 });
    log.info(
      { email, passwordFile: initialPasswordFile },
      "first admin created; its password is in the file",
    );
    return { installationId, adminCreated: true, initialPasswordFile };
  }, TRANSACTION_OPTIONS);
}

async function readToken(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, "utf8")).trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * The token this machine's proxy nodes present to the web: read from `<dataDir>/node-token`, or
 * minted into it (0600) when absent. Only its sha256 is stored in the database.
 */
export async function ensureNodeToken(db: Db, dataDir: string): Promise<string> {
  const file = join(dataDir, NODE_TOKEN_FILE);
  const token = (await readToken(file)) ?? (await mintToken(dataDir, file));
  const tokenHash = hashToken(token);
  try {
    // Also re-registers a kept file's token after the database was replaced.
    await db.nodeToken.upsert({
      where: { tokenHash },
      create: { name: "local", tokenHash },
      update: {},
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error; // a concurrent start registered it
  }
  return token;
}

/** Publishes a new token atomically (link fails when the file exists), so readers never see half a file. */
async function mintToken(dataDir: string, file: string): Promise<string> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const minted = randomBytes(32).toString("base64url");
  const draft = `${file}.${randomBytes(6).toString("hex")}`;
  await writeFile(draft, `${minted}\n`, { mode: 0o600 });
  try {
    await link(draft, file);
    return minted;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    // Another process minted it first; link() published it whole.
    const theirs = await readToken(file);
    if (theirs === undefined) throw new Error(`${file} is empty`);
    return theirs;
  } finally {
    await unlink(draft);
  }
}
