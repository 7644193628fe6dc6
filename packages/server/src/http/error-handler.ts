import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isConnectionFailure } from '../store/connection-errors.js';
import { AppError, ERROR_CODES, type ErrorCode, errorBody } from '../errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The error a body over the route's limit answers with (default REQUEST_TOO_LARGE, 413). */
    oversizeCode?: ErrorCode;
  }
}

/**
 * Turns every failure into the error envelope. Framework errors (schema validation, bad JSON, wrong
 * content type, oversized body) get precise 4xx codes; a lost database connection is a 503 the client
 * may retry; anything unexpected is logged with the request id and answered with a generic 500 that leaks
 * nothing.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    // The client went away mid-body (Node's "aborted", ECONNRESET): nobody reads the answer, and it is
    // not the database's connection. Any client can cause it, so it stays out of the warn log.
    if (request.raw.readableAborted || (error.code === 'ECONNRESET' && error.message === 'aborted')) {
      request.log.debug({ request_id: request.id }, 'client aborted the request');
      return send(reply, request, new AppError('INVALID_REQUEST', 'The request body was cut short'));
    }
    if (isConnectionFailure(error)) {
      request.log.warn({ err: error, request_id: request.id }, 'database unavailable');
      return send(
        reply,
        request,
        new AppError(
          'SERVICE_UNAVAILABLE',
          'The database is unavailable; retry the request (with an idempotency key, a send is never duplicated)',
          undefined,
          { 'retry-after': '1' },
        ),
      );
    }
    const mapped = toAppError(error, request);
    if (!mapped) {
      request.log.error({ err: error, request_id: request.id }, 'unhandled error');
      return send(reply, request, new AppError('INTERNAL_ERROR'));
    }
    return send(reply, request, mapped);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    // A path served under other methods answers 405 with the methods it has, as HTTP says. A route that
    // does serve this method and itself found nothing (a wildcard route's missing file) stays a 404.
    const allowed = METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
    if (allowed.length > 0 && !allowed.includes(request.method as (typeof METHODS)[number])) {
      return send(
        reply,
        request,
        new AppError(
          'METHOD_NOT_ALLOWED',
          `Method ${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`,
          undefined,
          {
            allow: allowed.join(', '),
          },
        ),
      );
    }
    return send(reply, request, new AppError('ROUTE_NOT_FOUND', `Route ${request.method} ${path} not found`));
  });
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

function send(reply: FastifyReply, request: FastifyRequest, error: AppError) {
  if (error.headers) reply.headers(error.headers);
  return reply.code(error.status).send(errorBody(error.code, error.message, request.id, error.details));
}

function toAppError(error: FastifyError, request: FastifyRequest): AppError | null {
  if (error instanceof AppError) return error;
  if (error.validation) return new AppError('INVALID_REQUEST', validationMessage(error));
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('INVALID_REQUEST', 'Content-Type must be application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError(
        'INVALID_REQUEST',
        'Request body must not be empty when Content-Type is application/json',
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('INVALID_REQUEST', 'Request body is not valid JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const code = request.routeOptions.config.oversizeCode;
      return code ? new AppError(code) : new AppError('REQUEST_TOO_LARGE');
    }
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('INVALID_REQUEST', 'Content-Length does not match the body');
  }
  // JSON.parse failures from the content-type parser arrive as SyntaxError with statusCode 400.
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return new AppError('INVALID_REQUEST', 'Request body is not valid JSON');
  }
  if (error.statusCode === 404) return new AppError('ROUTE_NOT_FOUND');
  if (error.statusCode === 405) return new AppError('METHOD_NOT_ALLOWED');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('INVALID_REQUEST', error.message);
  }
  return null;
}

/** "label must be a string" rather than Ajv's "body/label must be string". */
function validationMessage(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return 'The request is not valid';
  const path = first.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const params = first.params as Record<string, unknown>;
  const context = error.validationContext ?? 'body';
  switch (first.keyword) {
    case 'required':
      return `${joinField(path, String(params.missingProperty))} is required`;
    case 'additionalProperties':
      return `${joinField(path, String(params.additionalProperty))} is not a recognised field`;
    case 'type':
      return `${fieldName(path, context)} must be ${article(String(params.type))}`;
    case 'maxLength':
      return `${fieldName(path, context)} must be at most ${params.limit} characters`;
    case 'minLength':
      return `${fieldName(path, context)} must be at least ${params.limit} characters`;
    case 'enum':
      return `${fieldName(path, context)} must be one of: ${(params.allowedValues as unknown[]).join(', ')}`;
    case 'anyOf':
    case 'const':
      return `${fieldName(path, context)} has an unsupported value`;
    default:
      return `${fieldName(path, context)} ${first.message ?? 'is not valid'}`;
  }
}

function joinField(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}

function fieldName(path: string, context: string): string {
  return path || (context === 'body' ? 'request body' : context);
}

function article(type: string): string {
  if (type === 'object') return 'a JSON object';
  if (type === 'array') return 'an array';
  if (type === 'integer') return 'an integer';
  return `a ${type}`;
}

export { ERROR_CODES };
