/** One field that failed validation: `path` as `targets[0].url`, "" for the whole body. */
export interface FieldError {
  path: string;
  message: string;
}

/** No session or token, or one that is no longer valid (HTTP 401). */
export class UnauthorizedError extends Error {
  override name = "UnauthorizedError";
}

/** Authenticated, but not allowed to do this (HTTP 403). */
export class ForbiddenError extends Error {
  override name = "ForbiddenError";
}

/** The body does not describe a valid object (HTTP 422); `errors` name the fields. */
export class InvalidInputError extends Error {
  override name = "InvalidInputError";
  readonly errors: FieldError[];

  constructor(message: string, errors: FieldError[]) {
    super(message);
    this.errors = errors;
  }
}

/** No proxy node answered a question that only a node can answer (HTTP 502, 503 or 504). */
export class NodeUnansweredError extends Error {
  override name = "NodeUnansweredError";
  readonly status: 502 | 503 | 504;

  constructor(message: string, status: 502 | 503 | 504) {
    super(message);
    this.status = status;
  }
}

/** The body is not JSON (HTTP 415). */
export class UnsupportedMediaTypeError extends Error {
  override name = "UnsupportedMediaTypeError";
}

/** Too many failed sign-ins (HTTP 429); the caller may try again after `retryAfterSeconds`. */
export class TooManyRequestsError extends Error {
  override name = "TooManyRequestsError";
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
