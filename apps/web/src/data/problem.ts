import type { FieldError } from "./errors.ts";

/** RFC 9457 problem types: a stable code per kind of failure, also sent as `code`. */
export type ProblemCode =
  | "unauthorized"
  | "forbidden"
  | "password-change-required"
  | "not-found"
  | "conflict"
  | "invalid-input"
  | "invalid-config"
  | "malformed-json"
  | "unsupported-media-type"
  | "payload-too-large"
  | "too-many-requests"
  | "node-unavailable"
  | "internal";

const TITLES = {
  unauthorized: "Sign in or send a valid API token",
  forbidden: "Not allowed",
  "password-change-required": "Choose a new password first",
  "not-found": "Not found",
  conflict: "Conflict",
  "invalid-input": "Some fields need attention",
  "invalid-config": "The configuration would be invalid",
  "malformed-json": "The body is not valid JSON",
  "unsupported-media-type": "Send a JSON body",
  "payload-too-large": "The body is too large",
  "too-many-requests": "Too many attempts",
  "node-unavailable": "No proxy node could answer",
  internal: "Something went wrong",
} as const satisfies Record<ProblemCode, string>;

/** An `application/problem+json` answer (RFC 9457). */
export function problemResponse(
  status: number,
  code: ProblemCode,
  detail: string,
  extra: { errors?: FieldError[]; headers?: HeadersInit } = {},
): Response {
  const body = {
    type: `urn:concierge:problem:${code}`,
    title: TITLES[code],
    status,
    detail,
    code,
    ...(extra.errors ? { errors: extra.errors } : {}),
  };
  const headers = new Headers(extra.headers);
  headers.set("content-type", "application/problem+json");
  headers.set("cache-control", "no-store");
  return new Response(JSON.stringify(body), { status, headers });
}
