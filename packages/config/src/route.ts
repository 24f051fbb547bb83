import { z } from "zod";

import { CacheRuleSchema, DEFAULT_CACHE_RULE } from "./cache-rule.ts";
import { RoutePoliciesSchema } from "./route-policies.ts";

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** `*`, `shop.example.com`, `*.example.com`, or an IP literal; lower-cased, no port. */
export const HostPatternSchema = z
  .string()
  .trim()
  .toLowerCase()
  .superRefine((host, ctx) => {
    if (host === "*") return;
    const bare = host.startsWith("*.") ? host.slice(2) : host;
    if (/^\[[0-9a-f:.]+\]$/.test(bare) && !host.startsWith("*.")) return;
    const labels = bare.split(".");
    if (labels.length === 0 || labels.some((label) => !HOST_LABEL.test(label)) || bare.length > 253) {
      ctx.addIssue({
        code: "custom",
        message: `"${host}" is not a host name (use "shop.example.com", "*.example.com" or "*")`,
      });
    }
  });

export const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

const headerName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { message: "must be a valid header name" })
  .transform((h) => h.toLowerCase());
const headerValue = z.string().regex(/^[\t\x20-\x7e\x80-\xff]*$/, {
  message: "must not contain control characters",
});

/** Headers set (replacing any sent) and removed on one direction of the exchange. */
export const HeaderRulesSchema = z.strictObject({
  set: z.record(headerName, headerValue).default({}),
  remove: z.array(headerName).max(50).default([]),
});

const routeFields = {
  name: z.string().trim().min(1, { message: "must not be empty" }).max(100),
  /** Host patterns; `["*"]` matches any host. */
  hosts: z.array(HostPatternSchema).min(1, { message: "needs at least one host (\"*\" for any)" }).max(100),
  /** Matched on the normalised path, segment-wise: "/api" matches "/api" and "/api/x", not "/apix". */
  pathPrefix: z
    .string()
    .startsWith("/", { message: 'must start with "/"' })
    .max(1024)
    .refine((p) => !/(^|\/)\.\.?(\/|$)|%2e|[?#\s]/i.test(p), {
      message: "must be a normalised path without dot segments, query or spaces",
    })
    .default("/"),
  /** Absent or null: every method. */
  methods: z.array(z.enum(METHODS)).min(1).nullable().default(null),
  /** Breaks ties between routes with the same hosts and prefix; higher first. */
  priority: z.int().min(-1000).max(1000).default(0),
  poolId: z.uuid({ message: "must be the id of a pool" }),
  /** Remove `pathPrefix` from the path before forwarding. Default false. */
  stripPrefix: z.boolean().default(false),
  requestHeaders: HeaderRulesSchema.default({ set: {}, remove: [] }),
  responseHeaders: HeaderRulesSchema.default({ set: {}, remove: [] }),
  /** Largest request body accepted; larger → 413. Default 10 MiB. */
  maxBodyBytes: z.int().min(0).max(1_099_511_627_776).default(10_485_760),
  cache: CacheRuleSchema.default(DEFAULT_CACHE_RULE),
  /** Access control, rate limits, redirects, error pages, maintenance, compression. */
  policies: RoutePoliciesSchema.prefault({}),
};

export const RouteInputSchema = z.strictObject(routeFields);
export type RouteInput = z.input<typeof RouteInputSchema>;

export const RouteSchema = z.strictObject({ id: z.uuid(), ...routeFields });
export type Route = z.output<typeof RouteSchema>;

type RouteShape = Pick<Route, "hosts" | "pathPrefix" | "methods" | "priority">;

function sameMethods(a: RouteShape["methods"], b: RouteShape["methods"]): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((method) => b.includes(method));
}

function methodsOverlap(a: RouteShape["methods"], b: RouteShape["methods"]): boolean {
  if (a === null || b === null) return false;
  return a.some((method) => b.includes(method));
}

/**
 * Two routes collide when a request could match both and nothing decides between them: they
 * share a host and the prefix, and take the same methods — or overlapping method lists at the
 * same priority. (A method-restricted route wins over an unrestricted one of equal priority.)
 */
export function routesCollide(a: RouteShape, b: RouteShape): boolean {
  if (a.pathPrefix !== b.pathPrefix) return false;
  if (!a.hosts.some((host) => b.hosts.includes(host))) return false;
  if (sameMethods(a.methods, b.methods)) return true;
  return a.priority === b.priority && methodsOverlap(a.methods, b.methods);
}
