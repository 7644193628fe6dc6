/** Every error the client throws is a HookBridgeError; API answers are APIError subclasses. */
export class HookBridgeError extends Error {
  override name = 'HookBridgeError';
  /** HTTP status of the answer; null when none arrived. */
  readonly status: number | null;
  /** The API's `error.code`, or CONNECTION_ERROR / TIMEOUT / CLIENT_ERROR for failures without one. */
  readonly code: string;
  readonly requestId: string | null;
  readonly headers: Headers | null;
  /** Seconds the server asked us to wait (Retry-After), where it said. */
  readonly retryAfter: number | null;

  constructor(
    message: string,
    init: {
      status?: number | null;
      code: string;
      requestId?: string | null;
      headers?: Headers | null;
      retryAfter?: number | null;
      cause?: unknown;
    },
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status ?? null;
    this.code = init.code;
    this.requestId = init.requestId ?? null;
    this.headers = init.headers ?? null;
    this.retryAfter = init.retryAfter ?? null;
  }
}

export interface APIErrorInit {
  status: number;
  code: string;
  requestId: string | null;
  headers: Headers;
  retryAfter: number | null;
  details: Record<string, unknown> | null;
}

/** The server answered with an error envelope (or an error status without one). */
export class APIError extends HookBridgeError {
  override name = 'APIError';
  declare readonly status: number;
  declare readonly headers: Headers;
  /** `error.details` of the envelope, when given. */
  readonly details: Record<string, unknown> | null;

  constructor(message: string, init: APIErrorInit) {
    super(message, init);
    this.details = init.details;
  }
}

/** 400 (and 413, 422): the request was malformed or broke a rule. */
export class ValidationError extends APIError {
  override name = 'ValidationError';
}
/** 401: missing, unknown or revoked API key. */
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
}
/** 403: the key may not do this (plan limit, admin-only route). */
export class PermissionError extends APIError {
  override name = 'PermissionError';
}
/** 404: no such object in this project. */
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
}
/** 409: the object's state forbids it (duplicate URL, last signing key, delivery in progress). */
export class ConflictError extends APIError {
  override name = 'ConflictError';
}
/** 409 IDEMPOTENCY_MISMATCH / IDEMPOTENCY_CONFLICT: the key was used with a different request. */
export class IdempotencyError extends ConflictError {
  override name = 'IdempotencyError';
}
/** 410: the payload or export is no longer retained. */
export class GoneError extends APIError {
  override name = 'GoneError';
}
/** 429: slow down; `retryAfter` says for how long. */
export class RateLimitError extends APIError {
  override name = 'RateLimitError';
}
/** 429 REPLAY_LIMIT_EXCEEDED: the message has been replayed the maximum number of times. Not retried. */
export class ReplayLimitError extends RateLimitError {
  override name = 'ReplayLimitError';
}
/** 5xx. */
export class ServerError extends APIError {
  override name = 'ServerError';
}

/** No answer: the connection could not be made or broke before a response arrived. */
export class ConnectionError extends HookBridgeError {
  override name = 'ConnectionError';
}
/** No answer within the timeout. */
export class TimeoutError extends ConnectionError {
  override name = 'TimeoutError';
}

/** Builds the error class an API answer stands for. */
export function errorFromResponse(message: string, init: APIErrorInit): APIError {
  const { status, code } = init;
  if (status === 400 || status === 413 || status === 422) return new ValidationError(message, init);
  if (status === 401) return new AuthenticationError(message, init);
  if (status === 403) return new PermissionError(message, init);
  if (status === 404) return new NotFoundError(message, init);
  if (status === 409) {
    return code.startsWith('IDEMPOTENCY_')
      ? new IdempotencyError(message, init)
      : new ConflictError(message, init);
  }
  if (status === 410) return new GoneError(message, init);
  if (status === 429) {
    return code === 'REPLAY_LIMIT_EXCEEDED'
      ? new ReplayLimitError(message, init)
      : new RateLimitError(message, init);
  }
  if (status >= 500) return new ServerError(message, init);
  return new APIError(message, init);
}
