/**
 * The proxy's environment, validated once at start. This is the only module that reads
 * process.env: everything else receives the parsed `ProxyEnv`.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { isIP } from "node:net";
import path from "node:path";

import { z } from "zod";

const port = (name: string, fallback: number) =>
  z.coerce
    .number({ message: `${name} must be a port number` })
    .int({ message: `${name} must be a whole port number` })
    .min(0, { message: `${name} must be between 0 and 65535` })
    .max(65_535, { message: `${name} must be between 0 and 65535` })
    .default(fallback);

const workers = z
  .string()
  .default("1")
  .transform((value, ctx) => {
    if (value === "auto") return availableParallelism();
    const count = Number(value);
    if (!Number.isInteger(count) || count < 1 || count > 256) {
      ctx.addIssue({ code: "custom", message: `PROXY_WORKERS must be "auto" or a whole number from 1 to 256` });
      return z.NEVER;
    }
    return count;
  });

/** "10.0.0.1", "::1", "10.0.0.0/8", "fd00::/8" */
function isAddressOrCidr(entry: string): boolean {
  const [address = "", bits, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const prefix = Number(bits);
  return /^\d+$/.test(bits) && prefix <= (family === 4 ? 32 : 128);
}

const trustedProxies = z
  .string()
  .default("")
  .transform((value, ctx) => {
    const entries = value
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry !== "");
    const invalid = entries.find((entry) => !isAddressOrCidr(entry));
    if (invalid !== undefined) {
      ctx.addIssue({
        code: "custom",
        message: `CONCIERGE_TRUSTED_PROXIES must be a comma list of IP addresses or CIDR ranges ("${invalid}" is neither)`,
      });
      return z.NEVER;
    }
    return entries;
  });

const positiveInt = (name: string, fallback: number) =>
  z.coerce
    .number({ message: `${name} must be a number` })
    .int({ message: `${name} must be a whole number` })
    .min(0, { message: `${name} must not be negative` })
    .default(fallback);

/** What the self-signed issuer of the renewal loop makes: the lifetime of a CA's certificate. */
const SELF_SIGNED_VALID_DAYS = 90;

export const ProxyEnvSchema = z.object({
  /** Absent: the node serves from its last-good file (or answers 503) and retries nothing. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: "DATABASE_URL must be a postgresql:// URL" })
    .optional(),
  PROXY_PORT: port("PROXY_PORT", 8080),
  PROXY_HOST: z.string().default("0.0.0.0"),
  /** "on": every data-port connection starts with a PROXY protocol v1/v2 header from a load balancer. */
  PROXY_PROTOCOL: z.enum(["on", "off"], { message: "PROXY_PROTOCOL must be on or off" }).default("off"),
  /** HTTPS and HTTP/2; opened once a certificate exists. "off": never. */
  PROXY_TLS_PORT: z.union([z.literal("off"), port("PROXY_TLS_PORT", 8443)]).default(8443),
  /** "on": every TLS-port connection starts with a PROXY protocol v1/v2 header, before the TLS handshake. */
  PROXY_TLS_PROXY_PROTOCOL: z
    .enum(["on", "off"], { message: "PROXY_TLS_PROXY_PROTOCOL must be on or off" })
    .default("off"),
  /** "on": certificates marked autoRenew are reissued before they expire (docs/decisions/0008). */
  PROXY_CERTIFICATE_RENEWAL: z
    .enum(["on", "off"], { message: "PROXY_CERTIFICATE_RENEWAL must be on or off" })
    .default("off"),
  /** Renew a certificate once it expires within this many days. */
  PROXY_RENEW_BEFORE_DAYS: positiveInt("PROXY_RENEW_BEFORE_DAYS", 30),
  PROXY_RENEWAL_CHECK_MINUTES: positiveInt("PROXY_RENEWAL_CHECK_MINUTES", 60),
  /** Base64 of the 32 bytes that encrypt certificate keys at rest. Absent: `<CONCIERGE_DATA_DIR>/secret-key`. */
  CONCIERGE_SECRET_KEY: z.string().optional(),
  /** Health, readiness and metrics; keep it on loopback unless a scraper needs it. */
  PROXY_ADMIN_PORT: port("PROXY_ADMIN_PORT", 9090),
  PROXY_ADMIN_HOST: z.string().default("127.0.0.1"),
  /** "auto": one worker per core. */
  PROXY_WORKERS: workers,
  CONCIERGE_DATA_DIR: z.string().default(".concierge"),
  /** Absent: a UUID kept in `<CONCIERGE_DATA_DIR>/node-id`. */
  PROXY_NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,100}$/, {
      message: "PROXY_NODE_ID must be 1-100 letters, digits, dots, colons, underscores or dashes",
    })
    .optional(),
  PROXY_NODE_TOKEN: z.string().optional(),
  /** Where the node reaches the dashboard's socket.io. Absent: the web's default port on loopback. */
  CONCIERGE_WEB_URL: z.url({ message: "CONCIERGE_WEB_URL must be a URL" }).optional(),
  PORT: port("PORT", 3000),
  CONCIERGE_TRUSTED_PROXIES: trustedProxies,
  PROXY_CACHE_MAX_BYTES: positiveInt("PROXY_CACHE_MAX_BYTES", 256 * 1024 * 1024),
  PROXY_SHUTDOWN_GRACE_MS: positiveInt("PROXY_SHUTDOWN_GRACE_MS", 10_000),
  /** Length of a traffic rollup bucket: whole seconds, one minute by default. */
  PROXY_ROLLUP_INTERVAL_MS: positiveInt("PROXY_ROLLUP_INTERVAL_MS", 60_000).refine(
    (ms) => ms >= 1_000 && ms % 1_000 === 0 && ms <= 3_600_000,
    { message: "PROXY_ROLLUP_INTERVAL_MS must be whole seconds from 1000 to 3600000" },
  ),
  /** Closed buckets kept while the database is away; the oldest is dropped first past this. */
  PROXY_ROLLUP_BUFFER_BUCKETS: positiveInt("PROXY_ROLLUP_BUFFER_BUCKETS", 180),
  PROXY_RETENTION_MINUTE_DAYS: positiveInt("PROXY_RETENTION_MINUTE_DAYS", 7),
  PROXY_RETENTION_HOUR_DAYS: positiveInt("PROXY_RETENTION_HOUR_DAYS", 90),
  /** Requests that take at least this long are sampled as slow for the dashboard's table. */
  PROXY_SLOW_REQUEST_MS: positiveInt("PROXY_SLOW_REQUEST_MS", 1_000),
  /** Per worker and second: at most this many slow and this many failed requests are sampled; 0: none. */
  PROXY_SAMPLES_PER_SECOND: positiveInt("PROXY_SAMPLES_PER_SECOND", 5),
  /** Samples kept in the database per node, newest first. */
  PROXY_SAMPLES_KEPT: positiveInt("PROXY_SAMPLES_KEPT", 10_000),
  PROXY_SAMPLES_RETENTION_DAYS: positiveInt("PROXY_SAMPLES_RETENTION_DAYS", 7),
  /** "off" records no per-request metrics (the dashboard's traffic stays empty): for measuring their cost. */
  PROXY_METRICS: z.enum(["on", "off"], { message: "PROXY_METRICS must be on or off" }).default("on"),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      message: "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
    })
    .default("info"),
  /** Set by the primary on the workers it forks: the worker's slot, 1..PROXY_WORKERS. */
  CONCIERGE_WORKER_SLOT: z.coerce.number().int().min(1).optional(),
});

export interface ProxyEnv {
  databaseUrl: string | undefined;
  port: number;
  host: string;
  proxyProtocol: boolean;
  tlsPort: number | "off";
  tlsProxyProtocol: boolean;
  certificateRenewal: { enabled: boolean; renewBeforeDays: number; checkEveryMs: number; validDays: number };
  secretKey: string | undefined;
  adminPort: number;
  adminHost: string;
  workers: number;
  dataDir: string;
  nodeId: string | undefined;
  nodeToken: string | undefined;
  webUrl: string;
  trustedProxies: string[];
  cacheMaxBytes: number;
  shutdownGraceMs: number;
  rollupIntervalMs: number;
  rollupBufferBuckets: number;
  retention: { minuteRetentionMs: number; hourRetentionMs: number };
  metricsEnabled: boolean;
  samples: { slowRequestMs: number; perSecond: number; kept: number; retentionMs: number };
  logLevel: string;
  workerSlot: number | undefined;
}

export class EnvError extends Error {
  override readonly name = "EnvError";
}

/** Parses an environment; throws an `EnvError` whose message is one sentence naming the variable. */
export function parseEnv(source: Record<string, string | undefined>): ProxyEnv {
  const nonEmpty = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
  const parsed = ProxyEnvSchema.safeParse(nonEmpty);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const variable = String(issue?.path[0] ?? "environment");
    const message = issue?.message ?? "is invalid";
    throw new EnvError(message.startsWith(variable) ? message : `${variable}: ${message}`);
  }
  const env = parsed.data;
  return {
    databaseUrl: env.DATABASE_URL,
    port: env.PROXY_PORT,
    host: env.PROXY_HOST,
    proxyProtocol: env.PROXY_PROTOCOL === "on",
    tlsPort: env.PROXY_TLS_PORT,
    tlsProxyProtocol: env.PROXY_TLS_PROXY_PROTOCOL === "on",
    certificateRenewal: {
      enabled: env.PROXY_CERTIFICATE_RENEWAL === "on",
      renewBeforeDays: env.PROXY_RENEW_BEFORE_DAYS,
      checkEveryMs: Math.max(1, env.PROXY_RENEWAL_CHECK_MINUTES) * 60_000,
      validDays: SELF_SIGNED_VALID_DAYS,
    },
    secretKey: env.CONCIERGE_SECRET_KEY,
    adminPort: env.PROXY_ADMIN_PORT,
    adminHost: env.PROXY_ADMIN_HOST,
    workers: env.PROXY_WORKERS,
    dataDir: path.resolve(env.CONCIERGE_DATA_DIR),
    nodeId: env.PROXY_NODE_ID,
    nodeToken: env.PROXY_NODE_TOKEN,
    webUrl: env.CONCIERGE_WEB_URL ?? `http://127.0.0.1:${env.PORT}`,
    trustedProxies: env.CONCIERGE_TRUSTED_PROXIES,
    cacheMaxBytes: env.PROXY_CACHE_MAX_BYTES,
    shutdownGraceMs: env.PROXY_SHUTDOWN_GRACE_MS,
    rollupIntervalMs: env.PROXY_ROLLUP_INTERVAL_MS,
    rollupBufferBuckets: Math.max(1, env.PROXY_ROLLUP_BUFFER_BUCKETS),
    retention: {
      minuteRetentionMs: env.PROXY_RETENTION_MINUTE_DAYS * 86_400_000,
      hourRetentionMs: env.PROXY_RETENTION_HOUR_DAYS * 86_400_000,
    },
    metricsEnabled: env.PROXY_METRICS === "on",
    samples: {
      slowRequestMs: env.PROXY_SLOW_REQUEST_MS,
      perSecond: env.PROXY_SAMPLES_PER_SECOND,
      kept: env.PROXY_SAMPLES_KEPT,
      retentionMs: env.PROXY_SAMPLES_RETENTION_DAYS * 86_400_000,
    },
    logLevel: env.LOG_LEVEL,
    workerSlot: env.CONCIERGE_WORKER_SLOT,
  };
}

/** The process environment, or one clear sentence on stderr and exit code 1. */
export function loadEnv(): ProxyEnv {
  try {
    return parseEnv(process.env);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    process.stderr.write(`Invalid environment: ${error.message}.\n`);
    process.exit(1);
  }
}

/** PROXY_NODE_ID, else the UUID kept in the data folder (created on first start). */
export function resolveNodeId(env: ProxyEnv): string {
  if (env.nodeId !== undefined) return env.nodeId;
  const file = path.join(env.dataDir, "node-id");
  try {
    const stored = readFileSync(file, "utf8").trim();
    if (stored !== "") return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const created = randomUUID();
  mkdirSync(env.dataDir, { recursive: true });
  writeFileSync(file, `${created}\n`, { flag: "w" });
  return created;
}

/** What a forked worker needs beyond the inherited environment. */
export function workerEnv(nodeId: string, slot: number): Record<string, string> {
  return { PROXY_NODE_ID: nodeId, CONCIERGE_WORKER_SLOT: String(slot) };
}
