import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../../http/envelope.js';
import type { MessageActions } from '../actions/service.js';
import { decodeCursor, encodeCursor } from '../logs/cursor.js';
import type { MessageLogQueries } from '../logs/queries.js';
import { toPage } from '../logs/store.js';
import { MessageSummary, presentSummary } from '../logs/summary.js';

const ErrorRef = Type.Ref('ErrorEnvelope');
const DlqQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  cursor: Type.Optional(Type.String({ description: 'data.next_cursor of the previous page' })),
});

/** The dead-letter queue: exactly the project's failed_permanent messages. */
export function dlqRoutes(deps: {
  messageLogQueries: MessageLogQueries;
  messageActions: MessageActions;
}): FastifyPluginAsyncTypebox {
  const { messageLogQueries, messageActions } = deps;
  return async (app) => {
    app.get(
      '/v1/dlq/messages',
      {
        schema: {
          tags: ['Dead-letter queue'],
          summary: 'Dead-lettered messages, most recent failure first; the cursor is inside data',
          querystring: DlqQuery,
          response: {
            200: Envelope(
              Type.Object({
                messages: Type.Array(MessageSummary),
                has_more: Type.Boolean(),
                next_cursor: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 100;
        const rows = await messageLogQueries.deadLettered(projectIdOf(request), {
          after: request.query.cursor ? decodeCursor(request.query.cursor) : null,
          limit,
        });
        const page = toPage(rows, limit);
        return ok(request, {
          messages: page.rows.map(presentSummary),
          has_more: page.hasMore,
          next_cursor: page.last ? encodeCursor(page.last) : null,
        });
      },
    );

    app.post(
      '/v1/dlq/replay/:id',
      {
        schema: {
          tags: ['Dead-letter queue'],
          summary: 'Replay a dead-lettered message (no replay limit)',
          params: Type.Object({ id: Type.String() }),
          response: {
            202: Type.Object({
              message: Type.String(),
              data: Type.Object({ message_id: Type.String(), status: Type.Literal('replayed') }),
              meta: Type.Object({ request_id: Type.String() }),
            }),
            ...COMMON_ERRORS,
            404: ErrorRef,
            410: ErrorRef,
          },
        },
      },
      async (request, reply) => {
        const id = request.params.id.toLowerCase();
        await messageActions.replayFromDlq(projectIdOf(request), id);
        return reply.code(202).send({
          message: 'Message queued for replay',
          ...ok(request, { message_id: id, status: 'replayed' }),
        });
      },
    );
  };
}
