import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { INBOUND, OUTBOUND, type QueueSource } from '../../queues/queue-source.js';
import { projectIdOf } from '../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../http/envelope.js';
import type { DeliveryPreviews } from './delivery-preview.js';

const Delivery = Type.Object({
  message_id: Type.String(),
  url: Type.String({ description: 'Where the endpoint delivers (empty for a cli-mode inbound endpoint)' }),
  headers: Type.Record(Type.String(), Type.String()),
  body: Type.String({ description: 'The stored payload, base64' }),
  body_encoding: Type.Literal('base64'),
});

/**
 * `GET /v1/messages/{id}/delivery` and `/v1/inbound-messages/{id}/delivery`: the request a delivery of the
 * stored message would make now — body, and headers signed with the endpoint's active keys — so `hb replay
 * --to` can send it to a local URL exactly as a real delivery would. Nothing is sent or recorded.
 */
export function deliveryRoutes({
  deliveryPreviews,
}: {
  deliveryPreviews: DeliveryPreviews;
}): FastifyPluginAsyncTypebox {
  const sources: Array<[string, QueueSource, string]> = [
    ['/v1/messages', OUTBOUND, 'Messages'],
    ['/v1/inbound-messages', INBOUND, 'Inbound messages'],
  ];
  return async (app) => {
    for (const [base, source, tag] of sources) {
      app.get(
        `${base}/:id/delivery`,
        {
          schema: {
            tags: [tag],
            summary:
              'The request a delivery of this message would make now (body and signed headers); sends nothing',
            params: Type.Object({ id: Type.String() }),
            response: {
              200: Envelope(Delivery),
              ...COMMON_ERRORS,
              404: Type.Ref('ErrorEnvelope'),
              410: Type.Ref('ErrorEnvelope'),
            },
          },
        },
        async (request) =>
          ok(request, await deliveryPreviews.preview(source, projectIdOf(request), request.params.id)),
      );
    }
  };
}
