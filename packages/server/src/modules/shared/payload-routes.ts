import { type Static, Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../http/envelope.js';
import { AppError } from '../../errors.js';
import type { PayloadQueries } from './payload-queries.js';

export const MessagePayload = Type.Object({
  message_id: Type.String({ format: 'uuid' }),
  content_type: Type.String(),
  size_bytes: Type.Integer(),
  /** The stored headers: send-time headers outbound, the provider's request headers inbound. */
  headers: Type.Record(Type.String(), Type.String()),
  body: Type.String({ description: 'The payload: UTF-8 text, or base64 when body_encoding says so' }),
  body_encoding: Type.Union([Type.Literal('utf8'), Type.Literal('base64')]),
});
export type MessagePayloadResponse = Static<typeof MessagePayload>;

const decoder = new TextDecoder('utf-8', { fatal: true });

function encode(payload: Uint8Array): { body: string; body_encoding: 'utf8' | 'base64' } {
  try {
    return { body: decoder.decode(payload), body_encoding: 'utf8' };
  } catch {
    return { body: Buffer.from(payload).toString('base64'), body_encoding: 'base64' };
  }
}

/**
 * GET /v1/messages/{id}/payload and /v1/inbound-messages/{id}/payload: the stored payload inside the
 * JSON envelope (never served raw: a stored text/html body must not render on this origin). What the
 * console's message detail shows; a curl user gets the same.
 */
export function payloadRoutes({
  payloadQueries,
}: {
  payloadQueries: PayloadQueries;
}): FastifyPluginAsyncTypebox {
  return async (app) => {
    const routes = [
      { path: '/v1/messages/:id/payload', table: 'messages', tag: 'Messages' },
      { path: '/v1/inbound-messages/:id/payload', table: 'inbound_messages', tag: 'Inbound messages' },
    ] as const;
    for (const route of routes) {
      app.get(
        route.path,
        {
          schema: {
            tags: [route.tag],
            summary: 'The stored payload and headers of a message (while retention keeps them)',
            params: Type.Object({ id: Type.String() }),
            response: {
              200: Envelope(MessagePayload),
              ...COMMON_ERRORS,
              404: Type.Ref('ErrorEnvelope'),
              410: Type.Ref('ErrorEnvelope'),
            },
          },
        },
        async (request) => {
          const id = request.params.id.toLowerCase();
          const row = await payloadQueries.find(route.table, projectIdOf(request), id);
          if (!row) throw new AppError('MESSAGE_NOT_FOUND');
          if (!row.payload) throw new AppError('PAYLOAD_UNAVAILABLE');
          return ok(request, {
            message_id: id,
            content_type: row.content_type ?? 'application/octet-stream',
            size_bytes: row.size_bytes,
            headers: row.headers ?? {},
            ...encode(row.payload),
          });
        },
      );
    }
  };
}
