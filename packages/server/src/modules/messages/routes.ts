import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../http/envelope.js';
import { AppError } from '../../errors.js';
import { presentAttempt, presentMessage } from './present.js';
import type { MessageQueries } from './queries.js';

const Status = Type.Union(
  ['queued', 'delivering', 'succeeded', 'pending_retry', 'failed_permanent'].map((s) => Type.Literal(s)),
);
const OptionalString = Type.Optional(Type.String());
const OptionalInt = Type.Optional(Type.Integer());
/** Milliseconds are whole numbers on the wire: the PHP SDK declares ?int (a float is a TypeError). */
const OptionalMs = Type.Optional(Type.Integer());

export const Message = Type.Object({
  id: Type.String({ format: 'uuid' }),
  project_id: Type.String(),
  endpoint_id: Type.String(),
  status: Status,
  mode: Type.Union([Type.Literal('live'), Type.Literal('test')]),
  attempt_count: Type.Integer(),
  replay_count: Type.Integer(),
  content_type: Type.String(),
  size_bytes: Type.Integer(),
  payload_sha256: Type.String(),
  idempotency_key: OptionalString,
  next_attempt_at: OptionalString,
  last_error: OptionalString,
  response_status: OptionalInt,
  response_latency_ms: OptionalInt,
  first_attempt_at: OptionalString,
  delivered_at: OptionalString,
  failed_at: OptionalString,
  retention_hours: OptionalInt,
  deleted_at: Type.Optional(Type.String({ description: 'Set once the message was deleted' })),
  deleted_by_api_key_id: Type.Optional(Type.String({ description: 'The API key that deleted it' })),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const Attempt = Type.Object({
  id: Type.String({ format: 'uuid' }),
  attempt_no: Type.Integer(),
  created_at: Type.String(),
  response_status: OptionalInt,
  response_latency_ms: OptionalInt,
  processing_ms: OptionalMs,
  error_text: OptionalString,
  response_headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  response_body: OptionalString,
  response_body_truncated: Type.Optional(Type.Boolean()),
  request_headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  retry_type: Type.Optional(Type.Union([Type.Literal('slow'), Type.Literal('fast')])),
  retry_after_seconds: OptionalInt,
  resolved_ip: OptionalString,
  dns_ms: OptionalMs,
  tcp_connect_ms: OptionalMs,
  tls_handshake_ms: OptionalMs,
  ttfb_ms: OptionalMs,
  transfer_ms: OptionalMs,
  conn_reused: Type.Optional(Type.Boolean()),
});

/** The documented cap of the attempts list. */
const MAX_ATTEMPTS = 200;
const IdParams = Type.Object({ id: Type.String() });

export function messageRoutes({
  messageQueries,
}: {
  messageQueries: MessageQueries;
}): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/messages/:id',
      {
        schema: {
          tags: ['Messages'],
          params: IdParams,
          response: { 200: Envelope(Message), ...COMMON_ERRORS, 404: Type.Ref('ErrorEnvelope') },
        },
      },
      async (request) => {
        const row = await messageQueries.find(projectIdOf(request), request.params.id);
        if (!row) throw new AppError('MESSAGE_NOT_FOUND');
        return ok(request, presentMessage(row));
      },
    );

    app.get(
      '/v1/messages/:id/attempts',
      {
        schema: {
          tags: ['Messages'],
          summary: 'Attempts of a message, oldest first (at most 200); an unknown id answers an empty list',
          params: IdParams,
          response: { 200: Envelope(Type.Array(Attempt), { has_more: Type.Boolean() }), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const rows = await messageQueries.attempts(projectIdOf(request), request.params.id, MAX_ATTEMPTS);
        return ok(request, rows.slice(0, MAX_ATTEMPTS).map(presentAttempt), {
          has_more: rows.length > MAX_ATTEMPTS,
        });
      },
    );
  };
}
