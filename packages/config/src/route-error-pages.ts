import { z } from "zod";

export const MAX_ERROR_PAGE_BYTES = 65_536;

/**
 * HTML bodies for error answers, keyed by status (`"404"`) or class (`"5xx"`); an exact status
 * wins over its class. Used for the proxy's own errors; for the origin's too when asked.
 */
export const ErrorPagesSchema = z.strictObject({
  pages: z
    .record(
      z.string().regex(/^[45](\d\d|xx)$/, { message: 'must be a 4xx/5xx status like "404" or a class "4xx" / "5xx"' }),
      z.string().refine((html) => new TextEncoder().encode(html).length <= MAX_ERROR_PAGE_BYTES, {
        message: `must be at most ${MAX_ERROR_PAGE_BYTES} bytes`,
      }),
    )
    .default({}),
  /** Also replace the bodies of the origin's 4xx/5xx answers. Default false. */
  forOrigin: z.boolean().default(false),
});

/** While enabled, the route answers 503 with a page and Retry-After, and nothing reaches the origin. */
export const MaintenanceSchema = z.strictObject({
  enabled: z.boolean().default(false),
  message: z.string().max(2_000).optional(),
  retryAfterSeconds: z.int().min(1).max(86_400).default(300),
});
