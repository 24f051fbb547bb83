import { ProxyError } from "../errors.ts";

/**
 * How an attempt failed, as far as retrying cares:
 * - `connect`: no connection was made (refused, connect timeout, unresolvable, unreachable, pool
 *   closed by a reload), so not one byte of the request left the proxy;
 * - `reset`: the connection closed or reset before the response headers arrived;
 * - `timeout`: connected, but no response headers (or body data) in time: the target may be working;
 * - `bad-response`: the target answered something that is not HTTP;
 * - `client`: the client went away or its body was broken; never the target's fault;
 * - `internal`: the proxy could not even build the request (a bug, not the target's fault).
 */
export type FailureKind = "connect" | "reset" | "timeout" | "bad-response" | "client" | "internal";

export interface UpstreamFailure {
  readonly kind: FailureKind;
  readonly error: ProxyError;
}

const CONNECT_CODES = new Set([
  "ECONNREFUSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CLOSED",
  "UND_ERR_DESTROYED",
]);
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);
const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"]);
const BAD_RESPONSE_CODES = new Set(["UND_ERR_INFO", "UND_ERR_RES_CONTENT_LENGTH_MISMATCH", "UND_ERR_RES_EXCEEDED_MAX_SIZE"]);
const CLIENT_CODES = new Set(["UND_ERR_ABORTED", "UND_ERR_REQ_CONTENT_LENGTH_MISMATCH", "ABORT_ERR"]);

export function toUpstreamFailure(error: unknown, clientAborted: boolean): UpstreamFailure {
  const code = codeOf(error);
  if (clientAborted || error instanceof DOMException || CLIENT_CODES.has(code)) {
    const aborted = code !== "UND_ERR_REQ_CONTENT_LENGTH_MISMATCH";
    return failure("client", new ProxyError(aborted ? "CLIENT_ABORTED" : "BAD_REQUEST", "client", { cause: error }));
  }
  if (CONNECT_CODES.has(code)) {
    return failure("connect", new ProxyError("UPSTREAM_CONNECT_FAILED", "upstream", { retryable: true, cause: error }));
  }
  if (TIMEOUT_CODES.has(code)) {
    return failure("timeout", new ProxyError("UPSTREAM_TIMEOUT", "upstream", { cause: error }));
  }
  if (RESET_CODES.has(code) && !isMalformedResponse(error)) {
    return failure("reset", new ProxyError("UPSTREAM_RESET", "upstream", { retryable: true, cause: error }));
  }
  if (code.startsWith("HPE_") || BAD_RESPONSE_CODES.has(code) || isMalformedResponse(error)) {
    return failure("bad-response", new ProxyError("UPSTREAM_BAD_RESPONSE", "upstream", { cause: error }));
  }
  return failure("internal", new ProxyError("INTERNAL", "proxy", { cause: error }));
}

function failure(kind: FailureKind, error: ProxyError): UpstreamFailure {
  return { kind, error };
}

function codeOf(error: unknown): string {
  if (typeof error !== "object" || error === null) return "";
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") return code;
  return (error as { name?: unknown }).name === "AbortError" ? "ABORT_ERR" : "";
}

function isMalformedResponse(error: unknown): boolean {
  // undici's HTTPParserError carries no code when llhttp's error number has no name.
  if ((error as { name?: unknown }).name === "HTTPParserError") return true;
  const message = (error as { message?: unknown }).message;
  return message === "bad response" || message === "bad upgrade";
}
