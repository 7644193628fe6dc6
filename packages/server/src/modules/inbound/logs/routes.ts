import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../../http/envelope.js';
import { omitEmpty } from '../../../lib/objects.js';
import { toRfc3339 } from '../../../lib/time.js';
import type { Services } from '../../../services.js';
import { toPage } from '../../messages/logs/store.js';
import { StatusSchema } from '../../messages/logs/summary.js';
import { InboundListQueryFields, PageMeta, pageMeta, parseInboundListQuery } from '../shared/filters.js';
import type { InboundLogRow } from './store.js';

const OptionalString = Type.Optional(Type.String());
const OptionalInt = Type.Optional(Type.Integer());

/** One inbound message in the log (InboundLogEntry); `endpoint` is the forwarding URL ("" in cli mode). */
export const InboundLogEntry = Type.Object({
  message_id: Type.String({ format: 'uuid' }),
  inbound_endpoint_id: Type.String({ format: 'uuid' }),
  endpoint: Type.String({ description: 'The forwarding URL; empty for a cli-mode endpoint' }),
  status: StatusSchema,
  attempt_count: Type.Integer(),
  received_at: Type.String(),
  delivered_at: OptionalString,
  response_status: OptionalInt,
  response_latency_ms: OptionalInt,
  last_error: OptionalString,
  total_delivery_ms: Type.Optional(Type.Integer({ description: 'From receipt to successful delivery' })),
});

export function presentInboundLog(row: InboundLogRow) {
  return omitEmpty({
    message_id: row.id,
    inbound_endpoint_id: row.inbound_endpoint_id,
    endpoint: row.url ?? '',
    status: row.status,
    attempt_count: row.attempt_count,
    received_at: toRfc3339(row.created_at)!,
    delivered_at: toRfc3339(row.delivered_at),
    response_status: row.response_status,
    response_latency_ms: row.response_latency_ms,
    last_error: row.last_error,
    total_delivery_ms: row.total_delivery_ms,
  });
}

const InboundLogsQuery = Type.Object({ status: Type.Optional(StatusSchema), ...InboundListQueryFields });

export function inboundLogRoutes({
  inboundLogQueries,
}: Pick<Services, 'inboundLogQueries'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/inbound-logs',
      {
        schema: {
          tags: ['Inbound messages'],
          summary: "The project's inbound messages, newest first (by receipt), with cursor pagination",
          querystring: InboundLogsQuery,
          response: { 200: Envelope(Type.Array(InboundLogEntry), PageMeta), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const list = parseInboundListQuery(request.query);
        const status = request.query.status ?? null;
        const page = toPage(
          await inboundLogQueries.list(projectIdOf(request), { status, ...list }),
          list.limit,
        );
        return ok(request, page.rows.map(presentInboundLog), pageMeta(page));
      },
    );
  };
}
