import {
  CertificateAutoRenewSchema,
  CertificateUploadSchema,
  SelfSignedRequestSchema,
} from "@concierge/config/certificate";
import { PoolInputSchema } from "@concierge/config/pool";
import { RouteInputSchema } from "@concierge/config/route";
import { z } from "zod";

import { ConfigBackupSchema } from "../data/config-backup.ts";
import { MergePatchSchema } from "../data/merge-patch.ts";
import { ProbeTargetsSchema } from "../data/pools.ts";
import { ChangePasswordSchema, SignInSchema } from "../data/session.ts";
import { CreateTokenSchema } from "../data/tokens.ts";
import { AcceptInviteSchema, CreateUserSchema, UpdateUserSchema } from "../data/users.ts";

type Method = "get" | "post" | "patch" | "delete";
type Role = "viewer" | "editor" | "admin";

interface Operation {
  method: Method;
  path: string;
  summary: string;
  /** Absent: anonymous callers may call it. */
  role?: Role;
  body?: z.ZodType;
  /** The body is a JSON merge patch over the object the path names. */
  mergePatch?: boolean;
  success: { status: number; description: string; schema?: object };
  query?: { name: string; description: string }[];
}

const revisionSchema = {
  type: "object",
  properties: { revision: { type: "integer" } },
  required: ["revision"],
};
const idParameter = (name: string, type: "string" | "integer") => ({
  name,
  in: "path",
  required: true,
  schema: type === "string" ? { type, format: "uuid" } : { type },
});

/** Every /api/v1 operation; the OpenAPI document and the tests that walk it are built from this. */
export const OPERATIONS: readonly Operation[] = [
  {
    method: "post",
    path: "/api/v1/session",
    summary: "Sign in; sets the session cookie",
    body: SignInSchema,
    success: { status: 201, description: "Signed in" },
  },
  {
    method: "get",
    path: "/api/v1/session",
    summary: "The signed-in user",
    role: "viewer",
    success: { status: 200, description: "The user" },
  },
  {
    method: "delete",
    path: "/api/v1/session",
    summary: "Sign out (?all=1: every session)",
    role: "viewer",
    query: [{ name: "all", description: "1 to end every session of the user" }],
    success: { status: 204, description: "Signed out" },
  },
  {
    method: "post",
    path: "/api/v1/session/password",
    summary: "Change one's own password",
    role: "viewer",
    body: ChangePasswordSchema,
    success: { status: 204, description: "Changed" },
  },
  {
    method: "get",
    path: "/api/v1/tokens",
    summary: "API tokens (admins: all; others: their own)",
    role: "viewer",
    success: { status: 200, description: "Tokens" },
  },
  {
    method: "post",
    path: "/api/v1/tokens",
    summary: "Create an API token; the secret is in this answer only",
    role: "viewer",
    body: CreateTokenSchema,
    success: { status: 201, description: "The token, with `token` shown once" },
  },
  {
    method: "delete",
    path: "/api/v1/tokens/{id}",
    summary: "Revoke an API token",
    role: "viewer",
    success: { status: 204, description: "Revoked" },
  },
  {
    method: "get",
    path: "/api/v1/users",
    summary: "Users",
    role: "admin",
    success: { status: 200, description: "Users" },
  },
  {
    method: "post",
    path: "/api/v1/users",
    summary: "Add a user; without a password the answer holds `inviteUrl`",
    role: "admin",
    body: CreateUserSchema,
    success: { status: 201, description: "The user" },
  },
  {
    method: "patch",
    path: "/api/v1/users/{id}",
    summary: "Change a user's role or disable them",
    role: "admin",
    body: UpdateUserSchema,
    success: { status: 200, description: "The user" },
  },
  {
    method: "delete",
    path: "/api/v1/users/{id}",
    summary: "Remove a user",
    role: "admin",
    success: { status: 204, description: "Removed" },
  },
  {
    method: "post",
    path: "/api/v1/invites/accept",
    summary: "Accept an invite by choosing a password",
    body: AcceptInviteSchema,
    success: { status: 200, description: "The user" },
  },
  {
    method: "get",
    path: "/api/v1/pools",
    summary: "Pools with their targets",
    role: "viewer",
    success: { status: 200, description: "Pools" },
  },
  {
    method: "post",
    path: "/api/v1/pools",
    summary: "Create a pool",
    role: "editor",
    body: PoolInputSchema,
    success: { status: 201, description: "The pool and the new revision" },
  },
  // Before /pools/{id}: a static segment wins over a parameter, as in Next.js routing.
  {
    method: "post",
    path: "/api/v1/pools/probe",
    summary: "Whether each URL or pool target answers, probed from a connected proxy node (none: 503)",
    role: "editor",
    body: ProbeTargetsSchema,
    success: { status: 200, description: "`[{ url, answered, status, error, durationMs, nodeId }]`" },
  },
  {
    method: "get",
    path: "/api/v1/pools/{id}",
    summary: "One pool",
    role: "viewer",
    success: { status: 200, description: "The pool" },
  },
  {
    method: "patch",
    path: "/api/v1/pools/{id}",
    summary: "Change a pool (JSON merge patch)",
    role: "editor",
    body: MergePatchSchema,
    mergePatch: true,
    success: { status: 200, description: "The pool and the new revision" },
  },
  {
    method: "delete",
    path: "/api/v1/pools/{id}",
    summary: "Remove a pool no route uses",
    role: "editor",
    success: { status: 200, description: "The new revision", schema: revisionSchema },
  },
  {
    method: "get",
    path: "/api/v1/routes",
    summary: "Routes with their cache rules",
    role: "viewer",
    success: { status: 200, description: "Routes" },
  },
  {
    method: "post",
    path: "/api/v1/routes",
    summary: "Create a route",
    role: "editor",
    body: RouteInputSchema,
    success: { status: 201, description: "The route and the new revision" },
  },
  {
    method: "get",
    path: "/api/v1/routes/{id}",
    summary: "One route",
    role: "viewer",
    success: { status: 200, description: "The route" },
  },
  {
    method: "patch",
    path: "/api/v1/routes/{id}",
    summary: "Change a route (JSON merge patch)",
    role: "editor",
    body: MergePatchSchema,
    mergePatch: true,
    success: { status: 200, description: "The route and the new revision" },
  },
  {
    method: "delete",
    path: "/api/v1/routes/{id}",
    summary: "Remove a route",
    role: "editor",
    success: { status: 200, description: "The new revision", schema: revisionSchema },
  },
  {
    method: "get",
    path: "/api/v1/certificates",
    summary: "TLS certificates: names, fingerprint, validity, warnings (never private keys)",
    role: "viewer",
    success: { status: 200, description: "Certificates" },
  },
  {
    method: "post",
    path: "/api/v1/certificates",
    summary: "Upload a PEM certificate chain (leaf first) and its private key",
    role: "editor",
    body: CertificateUploadSchema,
    success: {
      status: 201,
      description: "The certificate and the new revision",
      schema: revisionSchema,
    },
  },
  {
    method: "post",
    path: "/api/v1/certificates/self-signed",
    summary: "Generate and store a self-signed certificate for hosts",
    role: "editor",
    body: SelfSignedRequestSchema,
    success: {
      status: 201,
      description: "The certificate and the new revision",
      schema: revisionSchema,
    },
  },
  {
    method: "patch",
    path: "/api/v1/certificates/{id}",
    summary: "Turn automatic renewal of a certificate on or off",
    role: "editor",
    body: CertificateAutoRenewSchema,
    success: {
      status: 200,
      description: "The certificate and the new revision",
      schema: revisionSchema,
    },
  },
  {
    method: "delete",
    path: "/api/v1/certificates/{id}",
    summary: "Stop serving a certificate",
    role: "editor",
    success: { status: 200, description: "The new revision", schema: revisionSchema },
  },
  {
    method: "get",
    path: "/api/v1/revisions",
    summary: "Config revisions, newest first",
    role: "viewer",
    query: [
      { name: "before", description: "only revisions numbered below this" },
      { name: "limit", description: "at most this many (default 50, max 200)" },
    ],
    success: { status: 200, description: "Revisions" },
  },
  {
    method: "get",
    path: "/api/v1/revisions/{number}",
    summary: "One revision with its snapshot",
    role: "viewer",
    success: { status: 200, description: "The revision" },
  },
  {
    method: "post",
    path: "/api/v1/revisions/{number}/rollback",
    summary: "Make a revision's config current again, as a new revision",
    role: "editor",
    success: { status: 200, description: "The new revision", schema: revisionSchema },
  },
  {
    method: "get",
    path: "/api/v1/config/export",
    summary: "The latest revision's whole configuration, as a backup ({format, version, exportedAt, revision, snapshot})",
    role: "viewer",
    success: { status: 200, description: "The backup" },
  },
  {
    method: "post",
    path: "/api/v1/config/import",
    summary: "Replace the whole configuration with a backup, as one revision",
    role: "admin",
    body: ConfigBackupSchema,
    query: [{ name: "message", description: "the operator's note on the revision" }],
    success: { status: 200, description: "The new revision", schema: revisionSchema },
  },
  {
    method: "get",
    path: "/api/v1/audit",
    summary: "Audit log, newest first",
    role: "viewer",
    query: [
      { name: "before", description: "only entries with an id below this" },
      { name: "limit", description: "at most this many (default 50, max 200)" },
    ],
    success: { status: 200, description: "Audit entries" },
  },
  {
    method: "get",
    path: "/api/v1/traffic",
    summary: "Traffic history from rollups, one series per group, percentiles from merged histograms",
    role: "viewer",
    query: [
      { name: "from", description: "start, ISO 8601 (required)" },
      { name: "to", description: "end, ISO 8601 (required)" },
      { name: "step", description: "seconds or 5m/1h/1d, whole minutes; absent: chosen from the range" },
      { name: "groupBy", description: "route (default), pool, target, status, node or cache" },
      { name: "routeId", description: "only this route" },
      { name: "poolId", description: "only this pool" },
      { name: "nodeId", description: "only this node" },
    ],
    success: { status: 200, description: "`{ from, to, stepSeconds, groupBy, series: [{ key, label, points }] }`" },
  },
  {
    method: "get",
    path: "/api/v1/traffic/requests",
    summary: "Sampled slow and failed requests (rate-capped per proxy worker), newest first",
    role: "viewer",
    query: [
      { name: "from", description: "only samples at or after this, ISO 8601" },
      { name: "to", description: "only samples before this, ISO 8601" },
      { name: "kind", description: "slow or failed; absent: both" },
      { name: "routeId", description: "only this route" },
      { name: "poolId", description: "only this pool" },
      { name: "targetId", description: "only this target" },
      { name: "nodeId", description: "only this node" },
      { name: "limit", description: "at most this many (default 100, max 1000)" },
    ],
    success: {
      status: 200,
      description:
        "`{ samples: [{ at, nodeId, worker, routeId, routeName, poolId, poolName, targetId, targetUrl, method, host, path, status, cause, cacheStatus, slow, totalMs, upstreamMs, attempts, requestId }] }`",
    },
  },
  {
    method: "get",
    path: "/api/v1/nodes",
    summary: "Proxy nodes: up/down by heartbeat age, version, revision applied, last heartbeat, last error",
    role: "viewer",
    success: { status: 200, description: "`{ nodes: [...] }`" },
  },
  {
    method: "get",
    path: "/api/v1/explain",
    summary: "Which route, pool, target and cache rule a connected proxy node would serve a request with, and why",
    role: "viewer",
    query: [
      { name: "url", description: "the request's absolute http(s) URL (required)" },
      { name: "method", description: "GET (default), HEAD, POST, PUT, PATCH, DELETE or OPTIONS" },
      { name: "nodeId", description: "the node to ask; absent: any connected node (none: 503)" },
    ],
    success: { status: 200, description: "`{ nodeId, worker, revision, request, reason, route, pool, cache }`" },
  },
  {
    method: "get",
    path: "/api/v1/live/overview",
    summary: "The last 15 minutes of live ticks of one node or all nodes, oldest first",
    role: "viewer",
    query: [{ name: "node", description: "a node id, or all (default)" }],
    success: { status: 200, description: "`{ nodeId, ticks: [...] }`" },
  },
  {
    method: "get",
    path: "/api/v1/openapi.json",
    summary: "This document",
    success: { status: 200, description: "OpenAPI 3.1" },
  },
];

const problem = { $ref: "#/components/schemas/Problem" };
const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: problem } },
});

function toRequestSchema(operation: Operation): object {
  if (operation.mergePatch)
    return {
      type: "object",
      description: "RFC 7396 merge patch; the result must be valid as a whole",
    };
  // Request bodies are described as accepted (before defaults and normalisation).
  return z.toJSONSchema(operation.body ?? z.unknown(), {
    io: "input",
    unrepresentable: "any",
    target: "draft-2020-12",
  });
}

function toOperationObject(operation: Operation): object {
  const parameters = [
    ...[...operation.path.matchAll(/\{(\w+)\}/g)].map(([, name]) =>
      idParameter(name ?? "", name === "number" ? "integer" : "string"),
    ),
    ...(operation.query ?? []).map(({ name, description }) => ({
      name,
      in: "query",
      required: false,
      description,
      schema: { type: "string" },
    })),
  ];
  const success = operation.success.schema
    ? {
        description: operation.success.description,
        content: { "application/json": { schema: operation.success.schema } },
      }
    : { description: operation.success.description };
  const contentTypes = operation.mergePatch
    ? ["application/merge-patch+json", "application/json"]
    : ["application/json"];
  return {
    summary: operation.summary,
    ...(operation.role ? { description: `Needs the ${operation.role} role.` } : { security: [] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(
              contentTypes.map((type) => [type, { schema: toRequestSchema(operation) }]),
            ),
          },
        }
      : {}),
    responses: {
      [operation.success.status]: success,
      ...(operation.body
        ? {
            400: problemResponse("Malformed JSON"),
            415: problemResponse("Not JSON"),
            422: problemResponse("Invalid fields, named in `errors`"),
          }
        : {}),
      ...(operation.role
        ? {
            401: problemResponse("No valid session or token"),
            403: problemResponse("The role does not allow it"),
          }
        : {}),
    },
  };
}

export function createOpenApiDocument(): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const operation of OPERATIONS) {
    paths[operation.path] = {
      ...paths[operation.path],
      [operation.method]: toOperationObject(operation),
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Concierge API",
      version: "1",
      description:
        "Configure the Concierge reverse proxy. Authenticate with the session cookie (same-origin, JSON bodies) or `Authorization: Bearer <token>`. Errors are RFC 9457 problem+json.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer" },
        session: { type: "apiKey", in: "cookie", name: "concierge_session" },
      },
      schemas: {
        Problem: {
          type: "object",
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
            code: { type: "string" },
            errors: {
              type: "array",
              items: {
                type: "object",
                properties: { path: { type: "string" }, message: { type: "string" } },
                required: ["path", "message"],
              },
            },
          },
          required: ["type", "title", "status"],
        },
      },
    },
    paths,
  };
}
