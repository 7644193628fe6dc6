/**
 * The closed set of error codes the API answers with: code → HTTP status and default message.
 * docs/ERRORS.md lists the same set; a test fails when the two drift apart.
 */
export const ERROR_CODES = {
  INVALID_REQUEST: { status: 400, message: 'The request is not valid' },
  PAYLOAD_TOO_LARGE: { status: 400, message: 'Payload exceeds the maximum size of 1 MB' },
  INVALID_ENDPOINT: { status: 400, message: 'The endpoint URL is not valid' },
  ENDPOINT_BLOCKED: { status: 400, message: 'The endpoint URL points to a private or internal address' },
  ENDPOINT_UNREACHABLE: { status: 400, message: 'The endpoint host name does not resolve' },
  INVALID_HEADERS: { status: 400, message: 'The custom headers are not valid' },
  UNAUTHORIZED: { status: 401, message: 'Invalid or missing API key' },
  FORBIDDEN: { status: 403, message: 'This credential may not perform this operation' },
  KEY_LIMIT_EXCEEDED: { status: 403, message: 'Maximum of 20 API keys per project' },
  NOT_FOUND: { status: 404, message: 'Resource not found' },
  ENDPOINT_NOT_FOUND: { status: 404, message: 'Endpoint not found' },
  MESSAGE_NOT_FOUND: { status: 404, message: 'Message not found' },
  ROUTE_NOT_FOUND: { status: 404, message: 'Route not found' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed' },
  LAST_API_KEY: {
    status: 409,
    message: 'Cannot delete the last API key of a project; create another key first',
  },
  DUPLICATE_URL: { status: 409, message: 'An endpoint with this URL already exists in the project' },
  MAX_SIGNING_KEYS_REACHED: { status: 409, message: 'Endpoint already has the maximum of 2 signing keys' },
  CANNOT_DELETE_LAST_SIGNING_KEY: {
    status: 409,
    message: 'Cannot delete the last signing key of an endpoint',
  },
  IDEMPOTENCY_MISMATCH: {
    status: 409,
    message: 'This idempotency key was already used with a different payload for this endpoint',
  },
  REQUEST_TOO_LARGE: { status: 413, message: 'Request body is too large' },
  RATE_LIMITED: { status: 429, message: 'Too many failed authentication attempts; try again later' },
  INTERNAL_ERROR: { status: 500, message: 'Internal server error' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'Service unavailable' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message ?? ERROR_CODES[code].message);
    this.status = ERROR_CODES[code].status;
  }
}

export function errorBody(
  code: string,
  message: string,
  requestId: string,
  details?: Record<string, unknown>,
) {
  return {
    error: details ? { code, message, details } : { code, message },
    meta: { request_id: requestId },
  };
}
