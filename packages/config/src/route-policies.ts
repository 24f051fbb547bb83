import { z } from "zod";

import { AccessSchema } from "./route-access.ts";
import { CompressionSchema } from "./route-compression.ts";
import { ErrorPagesSchema, MaintenanceSchema } from "./route-error-pages.ts";
import { RateLimitSchema } from "./route-rate-limit.ts";
import { HstsSchema, RedirectSchema, RewriteSchema } from "./route-redirect.ts";

/**
 * What the proxy does at a route's edge before (and after) the origin: who may pass, how often,
 * where to send them instead, and how answers leave. Every field is optional or defaulted, so a
 * route without policies behaves as before.
 */
export const RoutePoliciesSchema = z.strictObject({
  access: AccessSchema.prefault({}),
  rateLimit: RateLimitSchema.prefault({}),
  /** Answer every request with this redirect instead of forwarding. */
  redirect: RedirectSchema.optional(),
  rewrite: RewriteSchema.prefault({}),
  /** Plain-HTTP requests get 308 to the same URL on https. Default false. */
  httpsRedirect: z.boolean().default(false),
  hsts: HstsSchema.optional(),
  errorPages: ErrorPagesSchema.prefault({}),
  maintenance: MaintenanceSchema.prefault({}),
  compression: CompressionSchema.prefault({}),
});
export type RoutePolicies = z.output<typeof RoutePoliciesSchema>;
export type RoutePoliciesInput = z.input<typeof RoutePoliciesSchema>;
export const DEFAULT_ROUTE_POLICIES: RoutePolicies = RoutePoliciesSchema.parse({});
