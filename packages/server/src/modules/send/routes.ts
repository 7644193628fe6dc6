import { type Static, Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../http/envelope.js';
import { MAX_PAYLOAD_BYTES, type SendService } from './service.js';

export const SendBody = Type.Object({
  endpoint_id: Type.String({ description: 'ep_ + 32 hex' }),
  payload: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Array(Type.Unknown())], {
    description: `The JSON document to deliver; at most ${MAX_PAYLOAD_BYTES} bytes once encoded`,
  }),
  headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  idempotency_key: Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9_-]+$' })),
  retention_hours: Type.Optional(Type.Integer({ minimum: 0, maximum: 87600 })),
});
export type SendRequest = Static<typeof SendBody>;

export const SendAccepted = Type.Object({
  message_id: Type.String({ format: 'uuid' }),
  status: Type.Union(
    ['queued', 'delivering', 'succeeded', 'pending_retry', 'failed_permanent'].map((s) => Type.Literal(s)),
    {
      description:
        '"queued" for a new message; a repeated idempotency key answers the original message\'s status',
    },
  ),
});
export type SendResponse = Static<typeof SendAccepted>;

/**
 * Bodies up to this size are read so an oversized payload gets the documented 400 PAYLOAD_TOO_LARGE;
 * larger ones are refused unread with the same code.
 */
const SEND_BODY_LIMIT = 8 * MAX_PAYLOAD_BYTES;

export function sendRoutes({ send }: { send: SendService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/v1/webhooks/send',
      {
        bodyLimit: SEND_BODY_LIMIT,
        config: { oversizeCode: 'PAYLOAD_TOO_LARGE', nulAllowedIn: ['payload'] },
        schema: {
          tags: ['Send'],
          summary: 'Queue a webhook for delivery; answered after the message is committed',
          body: SendBody,
          response: {
            202: Envelope(SendAccepted),
            ...COMMON_ERRORS,
            404: Type.Ref('ErrorEnvelope'),
            409: Type.Ref('ErrorEnvelope'),
          },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const { messageId, status } = await send.send({
          projectId: projectIdOf(request),
          mode: request.principal!.mode,
          endpointId: body.endpoint_id,
          payload: body.payload,
          headers: body.headers ?? {},
          idempotencyKey: body.idempotency_key ?? headerValue(request.headers['idempotency-key']),
          retentionHours: body.retention_hours ?? null,
        });
        return reply.code(202).send(ok(request, { message_id: messageId, status }));
      },
    );
  };
}

function headerValue(value: string | string[] | undefined): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return first && /^[a-zA-Z0-9_-]{1,255}$/.test(first) ? first : null;
}
