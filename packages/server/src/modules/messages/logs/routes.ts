import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../../http/envelope.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { parseEndpointFilter, parseTimeRange } from './filters.js';
import type { MessageLogQueries } from './queries.js';
import { toPage } from './store.js';
import { MessageSummary, presentSummary, StatusSchema } from './summary.js';

const LogsQuery = Type.Object({
  endpoint_id: Type.Optional(Type.String({ description: 'ep_ + 32 hex' })),
  status: Type.Optional(StatusSchema),
  mode: Type.Optional(
    Type.Unsafe<'live' | 'test'>({
      type: 'string',
      enum: ['live', 'test'],
      description: 'Only messages sent with live or with test keys (default: both)',
    }),
  ),
  start_time: Type.Optional(Type.String({ description: 'RFC 3339, inclusive (created_at)' })),
  end_time: Type.Optional(Type.String({ description: 'RFC 3339, exclusive (created_at)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ description: 'meta.next_cursor of the previous page' })),
});

export function logRoutes({
  messageLogQueries,
}: {
  messageLogQueries: MessageLogQueries;
}): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/logs',
      {
        schema: {
          tags: ['Logs'],
          summary: "The project's messages, newest first, with cursor pagination",
          querystring: LogsQuery,
          response: {
            200: Envelope(Type.Array(MessageSummary), {
              next_cursor: Type.Union([Type.String(), Type.Null()]),
              has_more: Type.Boolean(),
            }),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) => {
        const query = request.query;
        const { from, to } = parseTimeRange(query.start_time, query.end_time);
        const limit = query.limit ?? 50;
        const rows = await messageLogQueries.log(projectIdOf(request), {
          endpointId: parseEndpointFilter(query.endpoint_id),
          status: query.status ?? null,
          mode: query.mode ?? null,
          from,
          to,
          after: query.cursor ? decodeCursor(query.cursor) : null,
          limit,
        });
        const page = toPage(rows, limit);
        return ok(request, page.rows.map(presentSummary), {
          next_cursor: page.last ? encodeCursor(page.last) : null,
          has_more: page.hasMore,
        });
      },
    );
  };
}
