import { z } from "zod";

const IPV4 = z.ipv4();
const IPV6 = z.ipv6();
const CIDR_V4 = z.cidrv4();
const CIDR_V6 = z.cidrv6();

/** `203.0.113.7`, `10.0.0.0/8`, `2001:db8::1` or `2001:db8::/32`. */
export const AddressRangeSchema = z
  .string()
  .trim()
  .refine(
    (value) => [IPV4, IPV6, CIDR_V4, CIDR_V6].some((schema) => schema.safeParse(value).success),
    { message: "must be an IPv4 or IPv6 address, or a CIDR range like 10.0.0.0/8" },
  );

const headerName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { message: "must be a valid header name" })
  .transform((h) => h.toLowerCase());

/** An argon2id PHC string (what the dashboard makes); never a password in clear. */
export const PasswordHashSchema = z
  .string()
  .regex(/^\$argon2id\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/, {
    message: "must be an argon2id hash ($argon2id$…), never a password in clear",
  });

export const BasicAuthSchema = z.strictObject({
  /** Shown by the browser's prompt (`WWW-Authenticate: Basic realm="…"`). */
  realm: z
    .string()
    .regex(/^[\x20-\x7e]{1,100}$/, { message: "must be 1–100 printable ASCII characters" })
    .refine((realm) => !realm.includes('"') && !realm.includes("\\"), { message: "must not contain quotes or backslashes" })
    .default("Restricted"),
  users: z
    .array(
      z.strictObject({
        username: z.string().min(1).max(100).refine((name) => !name.includes(":"), { message: "must not contain a colon" }),
        passwordHash: PasswordHashSchema,
      }),
    )
    .min(1, { message: "needs at least one user" })
    .max(1000),
});

/** The auth service is asked first; its 2xx lets the request through. */
export const ForwardAuthSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }),
  /** Headers of the auth service's 2xx answer copied onto the upstream request (e.g. x-user). */
  copyHeaders: z.array(headerName).max(20).default([]),
  /** Longer than this → 503. Milliseconds; default 5 s. */
  timeoutMs: z.int().min(1).max(60_000).default(5_000),
});

/**
 * Who may use a route. Deny wins over allow; an empty allow list lets every address in.
 * Addresses are the client's as `CONCIERGE_TRUSTED_PROXIES` vouches for it.
 */
export const AccessSchema = z.strictObject({
  allow: z.array(AddressRangeSchema).max(1000).default([]),
  deny: z.array(AddressRangeSchema).max(1000).default([]),
  basicAuth: BasicAuthSchema.optional(),
  forwardAuth: ForwardAuthSchema.optional(),
});
export type Access = z.output<typeof AccessSchema>;
