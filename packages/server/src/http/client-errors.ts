import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode, ERROR_CODES, errorBody } from '../errors.js';

/**
 * Answers the server writes before (or without) Fastify's routing — unparseable requests, oversized
 * headers, timeouts, bad URLs, over-long path parameters — in the error envelope with registered codes,
 * never the framework's own bodies or codes.
 */

interface ClientFailure {
  code: ErrorCode;
  message: string;
}

/** What Node's HTTP parser and its timeouts report, as the client should read it. */
function describeClientError(error: NodeJS.ErrnoException): ClientFailure {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { code: 'REQUEST_TIMEOUT', message: 'The request was not received in time' };
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return { code: 'HEADERS_TOO_LARGE', message: 'The request headers are too large' };
  }
  return { code: 'INVALID_REQUEST', message: 'The request is not valid HTTP/1.1' };
}

/**
 * Sockets whose current request was already answered (its body is being drained): a later parser
 * error or timeout on them must not write a second answer.
 */
const answered = new WeakSet<Socket>();

export function markAnswered(socket: Socket): void {
  answered.add(socket);
}

/** The drained body has ended: the next request on the connection is answered as usual. */
export function unmarkAnswered(socket: Socket): void {
  answered.delete(socket);
}

/** Fastify's `clientErrorHandler`: a request Node could not parse, or that did not arrive in time. */
export function clientErrorHandler(
  newRequestId: () => string,
  log: FastifyBaseLogger,
): (error: NodeJS.ErrnoException, socket: Socket) => void {
  return (error, socket) => {
    // A reset or a closed socket has nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const failure = describeClientError(error);
    const requestId = newRequestId();
    // Debug: any client can cause these at will, so they must not fill the log at a higher level.
    log.debug(
      { request_id: requestId, code: error.code, status: ERROR_CODES[failure.code].status },
      'client error',
    );
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !answered.has(socket) && !inFlight?.headersSent) {
      socket.write(rawResponse(failure, requestId));
    }
    socket.destroy();
  };
}

function rawResponse(failure: ClientFailure, requestId: string): string {
  const { status } = ERROR_CODES[failure.code];
  const body = JSON.stringify(errorBody(failure.code, failure.message, requestId));
  return (
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n` +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    `X-Request-Id: ${requestId}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** Fastify's `frameworkErrors`: a path that is not valid percent-encoding, or a parameter over the limit. */
export function frameworkErrors(
  error: Error & { code?: string },
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const message =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? `A path segment is longer than ${MAX_PARAM_LENGTH} characters`
      : 'The request path is not valid percent-encoding';
  const failure = new AppError('INVALID_REQUEST', message);
  reply
    .code(failure.status)
    .header('x-request-id', request.id)
    .send(errorBody(failure.code, failure.message, request.id));
}

/** Fastify's default; no id or token of ours comes near it. */
export const MAX_PARAM_LENGTH = 100;
