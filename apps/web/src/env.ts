import { z } from "zod";

const port = z.coerce.number().int().min(0).max(65_535);

const EnvSchema = z
  .object({
    DATABASE_URL: z.string().min(1, { message: "is required (a postgresql:// URL)" }),
    PORT: port.default(3000),
    /** The dashboard's own origin: cookie-authenticated mutations and socket handshakes must come from it. */
    CONCIERGE_PUBLIC_URL: z.url().optional(),
    /** Comma-separated addresses whose X-Forwarded-For / X-Forwarded-Proto are believed. */
    CONCIERGE_TRUSTED_PROXIES: z
      .string()
      .default("")
      .transform((list) =>
        list
          .split(",")
          .map((address) => address.trim())
          .filter((address) => address !== ""),
      ),
    CONCIERGE_DATA_DIR: z.string().default(".concierge"),
    /** Base64 of 32 bytes that encrypts certificate keys at rest; shared by every node. Absent: <data dir>/secret-key. */
    CONCIERGE_SECRET_KEY: z.string().optional(),
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  })
  .transform(({ CONCIERGE_PUBLIC_URL, ...rest }) => ({
    ...rest,
    CONCIERGE_PUBLIC_URL: new URL(CONCIERGE_PUBLIC_URL ?? `http://localhost:${rest.PORT}`).origin,
  }));

export type Env = z.output<typeof EnvSchema>;

let parsed: Env | undefined;

/**
 * The only reader of process.env. Parsed on first use rather than at import, so `next build`
 * (which imports route modules) does not need a database URL.
 */
export function env(): Env {
  if (parsed === undefined) {
    const result = EnvSchema.safeParse(process.env);
    if (!result.success) {
      const problems = result.error.issues.map(
        (issue) => `${issue.path.join(".")}: ${issue.message}`,
      );
      throw new Error(`Invalid environment: ${problems.join("; ")}`);
    }
    parsed = result.data;
  }
  return parsed;
}
