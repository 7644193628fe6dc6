/**
 * The closed set of error codes the API answers with: code → HTTP status and default message.
 * docs/ERRORS.md lists the same set; a test fails when the two drift apart.
 */
export const ERROR_CODES = {
  INVALID_REQUEST: { status: 400, message: 'The request is not valid' },
  PAYLOAD_TOO_LARGE: { status: 400, message: 'Payload exceeds the maximum size of 1 MB' },
  UNAUTHORIZED: { status: 401, message: 'Invalid or missing API key' },
  FORBIDDEN: { status: 403, message: 'This credential may not perform this operation' },
  KEY_LIMIT_EXCEEDED: { status: 403, message: 'Maximum of 20 API keys per project' },
  NOT_FOUND: { status: 404, message: 'Resource not found' },
  ROUTE_NOT_FOUND: { status: 404, message: 'Route not found' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed' },
  LAST_API_KEY: {
    status: 409,
    message: 'Cannot delete the last API key of a project; create another key first',
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
