import type { RoutePolicies } from "@concierge/config/route-policies";

import { compileAddressCheck, type AddressCheck } from "./access-list.ts";
import { compileBasicAuth, type CompiledBasicAuth } from "./basic-auth.ts";
import { compileCompression, type CompiledCompression } from "./compression.ts";
import { compileErrorPages, maintenancePage, type CompiledErrorPages } from "./error-pages.ts";
import { compileForwardAuth, type CompiledForwardAuth } from "./forward-auth.ts";
import { compileRateLimit, type CompiledRateLimit } from "./rate-limit.ts";
import { compileRedirect, hstsValue, type CompiledRedirect } from "./redirect.ts";

/** A route's policies as the request path reads them; null where the route has none. */
export interface CompiledPolicies {
  readonly addressCheck: AddressCheck | null;
  readonly basicAuth: CompiledBasicAuth | null;
  readonly forwardAuth: CompiledForwardAuth | null;
  readonly rateLimit: CompiledRateLimit | null;
  readonly redirect: CompiledRedirect | null;
  readonly rewritePathPrefix: string | null;
  readonly rewriteHost: string | null;
  readonly httpsRedirect: boolean;
  /** The Strict-Transport-Security value for HTTPS answers. */
  readonly hsts: string | null;
  readonly errorPages: CompiledErrorPages | null;
  /** The 503 page while maintenance is on. */
  readonly maintenance: { readonly page: Buffer; readonly retryAfter: string } | null;
  readonly compression: CompiledCompression | null;
}

/** `workers`: how many workers of the node share the data port (rate limits are split between them). */
export function compilePolicies(policies: RoutePolicies, workers: number): CompiledPolicies {
  const errorPages = compileErrorPages(policies.errorPages);
  const { access, maintenance, rewrite } = policies;
  return {
    addressCheck: compileAddressCheck(access),
    basicAuth: access.basicAuth ? compileBasicAuth(access.basicAuth) : null,
    forwardAuth: access.forwardAuth ? compileForwardAuth(access.forwardAuth) : null,
    rateLimit: compileRateLimit(policies.rateLimit, workers),
    redirect: policies.redirect ? compileRedirect(policies.redirect) : null,
    rewritePathPrefix: rewrite.pathPrefix ?? null,
    rewriteHost: rewrite.host ?? null,
    httpsRedirect: policies.httpsRedirect,
    hsts: policies.hsts ? hstsValue(policies.hsts) : null,
    errorPages,
    maintenance: maintenance.enabled
      ? { page: maintenancePage(maintenance, errorPages), retryAfter: String(maintenance.retryAfterSeconds) }
      : null,
    compression: compileCompression(policies.compression),
  };
}
