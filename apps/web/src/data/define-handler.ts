import { ConflictError, InvalidConfigError, NotFoundError } from "@concierge/db/errors";
import type { z } from "zod";

import type { Actor } from "../auth/actor.ts";
import { authenticate } from "../auth/authenticate.ts";
import { clientFromHeaders, type ClientInfo } from "../auth/client-info.ts";
import { sessionCookie } from "../auth/session-cookie.ts";
import { env } from "../env.ts";
import { log } from "../log.ts";
import {
  ForbiddenError,
  InvalidInputError,
  NodeUnansweredError,
  TooManyRequestsError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from "./errors.ts";
import { fieldErrorFromLine, toFieldErrors } from "./field-errors.ts";
import { problemResponse } from "./problem.ts";

export interface HandlerContext<Body> {
  request: Request;
  body: Body;
  params: Record<string, string>;
  client: ClientInfo;
}

export interface ActorHandlerContext<Body> extends HandlerContext<Body> {
  actor: Actor;
}

/** The second argument Next.js passes to a route handler. */
interface RouteContext {
  params?: Promise<Record<string, string | string[] | undefined>>;
}

type RouteHandler = (request: Request, context?: RouteContext) => Promise<Response>;

interface HandlerOptions<Schema extends z.ZodType> {
  /** Validates the JSON body; absent: the handler takes no body. */
  body?: Schema;
  /** Status of a successful answer; 201 for creates. Default 200 (204 when nothing is returned). */
  status?: number;
  /** Largest JSON body accepted, in bytes; larger → 413 before it is read whole. Default 1 MiB. */
  maxBodyBytes?: number;
}

interface ActorHandlerOptions<Schema extends z.ZodType> extends HandlerOptions<Schema> {
  /** The one thing a user who must change their password may do is change it (and sign out). */
  allowPendingPasswordChange?: boolean;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const DEFAULT_MAX_BODY_BYTES = 1_048_576;
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/**
 * An /api/v1 route handler for signed-in callers: authenticates (Bearer token or session cookie),
 * refuses cross-origin cookie mutations, parses and validates the body, runs, and turns expected
 * errors into RFC 9457 problem+json. Role checks live in the data functions it calls.
 */
export function defineHandler<Schema extends z.ZodType = z.ZodType<undefined>, Result = unknown>(
  options: ActorHandlerOptions<Schema>,
  run: (context: ActorHandlerContext<z.output<Schema>>) => Promise<Result>,
): RouteHandler {
  return async (request, routeContext) =>
    respond(async () => {
      const authentication = await authenticate({
        authorization: request.headers.get("authorization"),
        cookie: request.headers.get("cookie"),
      });
      if (authentication === null) throw new UnauthorizedError("Sign in or send a valid API token");
      const { actor, via, renewedSession } = authentication;
      if (via === "session" && !SAFE_METHODS.has(request.method)) {
        assertSameOrigin(request);
        if (hasBody(request) && !JSON_TYPE.test(request.headers.get("content-type") ?? "")) {
          throw new ForbiddenError("Dashboard requests must send JSON");
        }
      }
      if (actor.mustChangePassword && !options.allowPendingPasswordChange) {
        return problemResponse(403, "password-change-required", "Change your password to continue");
      }
      const context = await readContext(request, routeContext, options);
      const result = await run({ ...context, actor });
      const response = toResponse(result, options.status);
      if (renewedSession && !response.headers.has("set-cookie")) {
        const maxAgeMs = renewedSession.expiresAt.getTime() - Date.now();
        response.headers.append(
          "set-cookie",
          sessionCookie(renewedSession.value, { secure: context.client.https, maxAgeMs }),
        );
      }
      return response;
    });
}

/**
 * The same for the few anonymous endpoints (sign-in, invite acceptance). A browser always sends
 * Origin on a cross-site POST, so a foreign Origin is refused; scripts that send none are fine.
 */
export function definePublicHandler<
  Schema extends z.ZodType = z.ZodType<undefined>,
  Result = unknown,
>(
  options: HandlerOptions<Schema>,
  run: (context: HandlerContext<z.output<Schema>>) => Promise<Result>,
): RouteHandler {
  return async (request, routeContext) =>
    respond(async () => {
      if (!SAFE_METHODS.has(request.method) && request.headers.has("origin"))
        assertSameOrigin(request);
      const context = await readContext(request, routeContext, options);
      return toResponse(await run(context), options.status);
    });
}

function assertSameOrigin(request: Request): void {
  if (request.headers.get("origin") !== env().CONCIERGE_PUBLIC_URL) {
    throw new ForbiddenError("Cross-origin requests are refused; use an API token for automation");
  }
}

function hasBody(request: Request): boolean {
  const length = request.headers.get("content-length");
  return (length !== null && length !== "0") || request.headers.has("transfer-encoding");
}

async function readContext<Schema extends z.ZodType>(
  request: Request,
  routeContext: RouteContext | undefined,
  options: HandlerOptions<Schema>,
): Promise<HandlerContext<z.output<Schema>>> {
  const rawParams = (await routeContext?.params) ?? {};
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawParams)) {
    if (typeof value === "string") params[key] = value;
  }
  const client = clientFromHeaders(request.headers);
  const schema = options.body;
  if (schema === undefined) return { request, params, client, body: undefined as z.output<Schema> };

  if (!JSON_TYPE.test(request.headers.get("content-type") ?? "")) {
    throw new UnsupportedMediaTypeError("Send the body as application/json");
  }
  const text = await readBodyText(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new InvalidInputError("The body is not valid JSON", []);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidInputError("Some fields need attention", toFieldErrors(parsed.error.issues));
  }
  return { request, params, client, body: parsed.data };
}

/** The body is larger than the handler accepts (HTTP 413). */
class PayloadTooLargeError extends Error {
  override name = "PayloadTooLargeError";
}

/**
 * Reads the body up to `maxBytes`: a declared Content-Length over it is refused unread, and a
 * body without one (chunked) is counted while it streams and abandoned once past the limit.
 */
async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () => new PayloadTooLargeError(`The body must not exceed ${maxBytes} bytes`);
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) throw tooLarge();
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function toResponse(result: unknown, status = 200): Response {
  if (result instanceof Response) return result;
  if (result === undefined) return new Response(null, { status: 204 });
  return Response.json(result, { status, headers: { "cache-control": "no-store" } });
}

async function respond(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    return toProblem(error);
  }
}

/** Expected errors become answers; anything else is a bug, logged in full and answered vaguely. */
export function toProblem(error: unknown): Response {
  if (error instanceof UnauthorizedError) {
    return problemResponse(401, "unauthorized", error.message, {
      headers: { "www-authenticate": 'Bearer realm="concierge"' },
    });
  }
  if (error instanceof ForbiddenError) return problemResponse(403, "forbidden", error.message);
  if (error instanceof NotFoundError) return problemResponse(404, "not-found", error.message);
  if (error instanceof ConflictError) return problemResponse(409, "conflict", error.message);
  if (error instanceof PayloadTooLargeError) {
    return problemResponse(413, "payload-too-large", error.message);
  }
  if (error instanceof UnsupportedMediaTypeError) {
    return problemResponse(415, "unsupported-media-type", error.message);
  }
  if (error instanceof InvalidInputError) {
    return error.errors.length === 0
      ? problemResponse(400, "malformed-json", error.message)
      : problemResponse(422, "invalid-input", error.message, { errors: error.errors });
  }
  if (error instanceof InvalidConfigError) {
    return problemResponse(422, "invalid-config", error.message, {
      errors: error.problems.map(fieldErrorFromLine),
    });
  }
  if (error instanceof TooManyRequestsError) {
    return problemResponse(429, "too-many-requests", error.message, {
      headers: { "retry-after": String(error.retryAfterSeconds) },
    });
  }
  if (error instanceof NodeUnansweredError) return problemResponse(error.status, "node-unavailable", error.message);
  log.error({ err: error }, "api handler failed");
  return problemResponse(500, "internal", "The server could not complete the request");
}
