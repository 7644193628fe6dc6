import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { buildHeaders } from '../../delivery/attempt.js';
import { INBOUND, OUTBOUND, type QueueSource } from '../../queues/queue-source.js';
import { projectIdOf } from '../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../http/envelope.js';
import { AppError } from '../../http/errors.js';
import { isUuid } from '../../lib/ids.js';
import type { Services } from '../../services.js';
import { VERSION } from '../../version.js';

const Delivery = Type.Object({
  message_id: Type.String(),
  url: Type.String({ description: 'Where the endpoint delivers (empty for a cli-mode inbound endpoint)' }),
  headers: Type.Record(Type.String(), Type.String()),
  body: Type.String({ description: 'The stored payload, base64' }),
  body_encoding: Type.Literal('base64'),
});

interface Row {
  id: string;
  endpoint_id: string;
  content_type: string | null;
  headers: Record<string, string>;
  payload: Uint8Array | null;
}

/**
 * `GET /v1/messages/{id}/delivery` and `/v1/inbound-messages/{id}/delivery`: the request a delivery of the
 * stored message would make now — body, and headers signed with the endpoint's active keys — so `hb replay
 * --to` can send it to a local URL exactly as a real delivery would. Nothing is sent or recorded.
 */
export function deliveryRoutes(services: Services): FastifyPluginAsyncTypebox {
  const userAgent = `HookBridge/${VERSION}`;
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
        async (request) => {
          const { id } = request.params;
          if (!isUuid(id)) throw new AppError('MESSAGE_NOT_FOUND');
          const [row] = await services.db.query<Row>(
            `SELECT id::text AS id, ${source.endpointColumn}::text AS endpoint_id, content_type, headers, payload
               FROM ${source.messages} WHERE id = $1 AND project_id = $2`,
            [id.toLowerCase(), projectIdOf(request)],
          );
          if (!row) throw new AppError('MESSAGE_NOT_FOUND');
          if (!row.payload) throw new AppError('PAYLOAD_UNAVAILABLE');
          const [targets, secrets] = await Promise.all([
            source.loadTargets(services.db, [row.endpoint_id]),
            source.loadSecrets(services.db, services.secretBox, [row.endpoint_id]),
          ]);
          const target = targets.get(row.endpoint_id) ?? { url: '', headers: {}, hmac_enabled: false };
          const payload = Buffer.from(row.payload);
          const headers = buildHeaders(
            {
              id: row.id,
              content_type: row.content_type ?? 'application/octet-stream',
              headers: row.headers,
            },
            target,
            secrets.get(row.endpoint_id) ?? [],
            Math.floor(Date.now() / 1000),
            payload,
            userAgent,
          );
          return ok(request, {
            message_id: row.id,
            url: target.url,
            headers,
            body: payload.toString('base64'),
            body_encoding: 'base64' as const,
          });
        },
      );
    }
  };
}
