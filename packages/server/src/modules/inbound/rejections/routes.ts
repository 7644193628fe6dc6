import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../../http/envelope.js';
import { omitEmpty } from '../../../lib/objects.js';
import { toRfc3339 } from '../../../lib/time.js';
import type { Services } from '../../../services.js';
import { InboundListQueryFields, PageMeta, pageMeta, parseInboundListQuery } from '../shared/filters.js';
import { toPage } from '../../messages/logs/store.js';
import type { RejectionRow } from './store.js';

export const Rejection = Type.Object({
  id: Type.String({ format: 'uuid' }),
  reason_code: Type.String({
    description:
      'endpoint_not_found | endpoint_deleted | invalid_secret | static_token_failed | hmac_failed | ip_not_allowed | payload_too_large | invalid_method',
  }),
  received_at: Type.String(),
  inbound_endpoint_id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
    description: 'null when the endpoint does not exist',
  }),
  reason_detail: Type.Optional(Type.String()),
  source_ip: Type.Optional(Type.String()),
  headers_redacted: Type.Optional(
    Type.String({ description: 'The request headers as a JSON string, secret values masked' }),
  ),
});

function presentRejection(row: RejectionRow) {
  return {
    ...omitEmpty({
      id: row.id,
      reason_code: row.reason_code,
      received_at: toRfc3339(row.received_at)!,
      reason_detail: row.reason_detail,
      source_ip: row.source_ip,
      headers_redacted: row.headers_redacted,
    }),
    inbound_endpoint_id: row.inbound_endpoint_id,
  };
}

export function inboundRejectionRoutes({
  rejectionQueries,
}: Pick<Services, 'rejectionQueries'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/inbound-rejections',
      {
        schema: {
          tags: ['Inbound messages'],
          summary: 'Ingest requests refused by verification, newest first, with cursor pagination',
          querystring: Type.Object(InboundListQueryFields),
          response: { 200: Envelope(Type.Array(Rejection), PageMeta), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const list = parseInboundListQuery(request.query);
        const page = toPage(await rejectionQueries.list(projectIdOf(request), list), list.limit);
        return ok(request, page.rows.map(presentRejection), pageMeta(page));
      },
    );
  };
}
