import { z } from "zod";

/**
 * Answered by the proxy: `to` is a template where `$host`, `$path` and `$query` (with its "?",
 * or empty) are replaced, e.g. `https://new.example.com$path$query`.
 */
export const RedirectSchema = z.strictObject({
  to: z
    .string()
    .min(1)
    .max(2048)
    .regex(/^(https?:\/\/|\/)[^\s]*$/, { message: "must be an absolute http(s) URL or a path starting with /" }),
  status: z.union([z.literal(301), z.literal(302), z.literal(307), z.literal(308)]).default(302),
});

/** Changes to the request on its way upstream. */
export const RewriteSchema = z.strictObject({
  /** Replaces the route's matched path prefix (e.g. `/api` → `/v2`). */
  pathPrefix: z
    .string()
    .startsWith("/", { message: 'must start with "/"' })
    .max(1024)
    .refine((p) => !/(^|\/)\.\.?(\/|$)|[?#\s]/.test(p), { message: "must be a path without dot segments, query or spaces" })
    .optional(),
  /** The Host header sent upstream. */
  host: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/, { message: "must be a host name, optionally with a port" })
    .optional(),
});

/** RFC 6797: sent on HTTPS answers only. */
export const HstsSchema = z.strictObject({
  maxAgeSeconds: z.int().min(0).max(63_072_000),
  includeSubDomains: z.boolean().default(false),
  preload: z.boolean().default(false),
});
