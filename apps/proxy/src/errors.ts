/**
 * The proxy's one error taxonomy. Every failure on the request path becomes a ProxyError;
 * the table below decides the status the client sees, and the compiler checks it covers
 * every code.
 */
export type ProxyErrorCode =
  | "BAD_REQUEST"
  | "NO_ROUTE"
  | "METHOD_NOT_ALLOWED"
  | "BODY_TOO_LARGE"
  | "HEADERS_TOO_LARGE"
  | "URI_TOO_LONG"
  | "LOOP_DETECTED"
  | "CLIENT_ABORTED"
  | "NO_CONFIG"
  | "NO_HEALTHY_TARGET"
  | "UPSTREAM_CONNECT_FAILED"
  | "UPSTREAM_RESET"
  | "UPSTREAM_TIMEOUT"
  | "UPSTREAM_BAD_RESPONSE"
  | "INTERNAL";

/** Which side broke the exchange: decides retries and whom the metrics blame. */
export type FaultSide = "client" | "proxy" | "upstream";

export const STATUS_BY_CODE = {
  BAD_REQUEST: 400,
  NO_ROUTE: 404,
  METHOD_NOT_ALLOWED: 405,
  BODY_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  HEADERS_TOO_LARGE: 431,
  CLIENT_ABORTED: 499, // never sent (the client is gone); kept for logs and metrics
  INTERNAL: 500,
  UPSTREAM_CONNECT_FAILED: 502,
  UPSTREAM_RESET: 502,
  UPSTREAM_BAD_RESPONSE: 502,
  NO_CONFIG: 503,
  NO_HEALTHY_TARGET: 503,
  UPSTREAM_TIMEOUT: 504,
  LOOP_DETECTED: 508,
} as const satisfies Record<ProxyErrorCode, number>;

/** What the client reads in the body: short and generic; details go to the log only. */
const PUBLIC_MESSAGE_BY_CODE = {
  BAD_REQUEST: "bad request",
  NO_ROUTE: "no route matches this request",
  METHOD_NOT_ALLOWED: "method not allowed",
  BODY_TOO_LARGE: "request body too large",
  URI_TOO_LONG: "request target too long",
  HEADERS_TOO_LARGE: "request headers too large",
  CLIENT_ABORTED: "client closed the request",
  INTERNAL: "internal proxy error",
  UPSTREAM_CONNECT_FAILED: "origin unreachable",
  UPSTREAM_RESET: "origin closed the connection",
  UPSTREAM_BAD_RESPONSE: "origin sent an invalid response",
  NO_CONFIG: "no configuration loaded",
  NO_HEALTHY_TARGET: "no healthy origin available",
  UPSTREAM_TIMEOUT: "origin timed out",
  LOOP_DETECTED: "request loop detected",
} as const satisfies Record<ProxyErrorCode, string>;

export class ProxyError extends Error {
  override readonly name = "ProxyError";
  readonly code: ProxyErrorCode;
  readonly side: FaultSide;
  /** True only when nothing reached the client and another target may succeed. */
  readonly retryable: boolean;
  /** The target whose failure this is and the attempts made (set by upstream/forward.ts); "" and 0 otherwise. */
  targetId = "";
  attempts = 0;

  constructor(
    code: ProxyErrorCode,
    side: FaultSide,
    options: { message?: string; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(options.message ?? code, { cause: options.cause });
    this.code = code;
    this.side = side;
    this.retryable = options.retryable ?? false;
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }

  get publicMessage(): string {
    return PUBLIC_MESSAGE_BY_CODE[this.code];
  }
}

export function toProxyError(error: unknown): ProxyError {
  return error instanceof ProxyError ? error : new ProxyError("INTERNAL", "proxy", { cause: error });
}
