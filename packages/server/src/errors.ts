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
  EXPORT_NOT_READY: { status: 400, message: 'Export is not yet completed' },
  INVALID_STATUS: { status: 400, message: 'The message is not in a status that allows this operation' },
  UNAUTHORIZED: { status: 401, message: 'Invalid or missing API key' },
  VERIFICATION_FAILED: { status: 401, message: 'The webhook failed verification' },
  FORBIDDEN: { status: 403, message: 'This credential may not perform this operation' },
  KEY_LIMIT_EXCEEDED: { status: 403, message: 'Maximum of 20 API keys per project' },
  ENDPOINT_INACTIVE: { status: 403, message: 'This inbound endpoint is disabled' },
  IP_NOT_ALLOWED: { status: 403, message: 'Source address is not allowed' },
  CSRF_FAILED: {
    status: 403,
    message: 'A request made with the console session cookie needs its X-CSRF-Token header',
  },
  NOT_FOUND: { status: 404, message: 'Resource not found' },
  ENDPOINT_NOT_FOUND: { status: 404, message: 'Endpoint not found' },
  MESSAGE_NOT_FOUND: { status: 404, message: 'Message not found' },
  EXPORT_NOT_FOUND: { status: 404, message: 'Export not found' },
  EVENT_NOT_FOUND: { status: 404, message: 'Pull event not found' },
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
  DELIVERY_IN_PROGRESS: { status: 409, message: 'The message is being delivered' },
  RETRY_IN_PROGRESS: { status: 409, message: 'The message has a retry scheduled' },
  RETENTION_EXPIRED: { status: 410, message: "The message's payload retention period has passed" },
  PAYLOAD_UNAVAILABLE: { status: 410, message: "The message's payload is no longer stored" },
  EXPORT_EXPIRED: { status: 410, message: 'Export has expired' },
  ENDPOINT_DELETED: { status: 410, message: 'This inbound endpoint was deleted' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request was not received in time' },
  REQUEST_TOO_LARGE: { status: 413, message: 'Request body is too large' },
  INGEST_TOO_LARGE: { status: 413, message: 'Payload exceeds the maximum size of 1 MB' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large' },
  RATE_LIMITED: { status: 429, message: 'Too many failed authentication attempts; try again later' },
  REPLAY_LIMIT_EXCEEDED: { status: 429, message: 'Maximum of 10 replays per message reached' },
  QUOTA_EXCEEDED: { status: 429, message: 'Monthly message quota reached' },
  INTERNAL_ERROR: { status: 500, message: 'Internal server error' },
  NOT_SUPPORTED: { status: 501, message: 'Not supported by a self-hosted server' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'Service unavailable' },
  ENDPOINT_PAUSED: { status: 503, message: 'This inbound endpoint is paused' },
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
