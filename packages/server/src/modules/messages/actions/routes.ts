import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../../http/envelope.js';
import { parseEndpointFilter } from '../logs/filters.js';
import type { MessageActions } from './service.js';
import {
  MessageState,
  type ReplayRouteOptions,
  registerBulkReplayRoutes,
  registerReplayRoute,
  WithMessage,
  withMessage,
} from '../../shared/replay-routes.js';

const ErrorRef = Type.Ref('ErrorEnvelope');
const IdParams = Type.Object({ id: Type.String() });
const TAGS = ['Messages'];

const plural = (n: number) => `${n} message${n === 1 ? '' : 's'}`;

export function messageActionRoutes({
  messageActions: ops,
}: {
  messageActions: MessageActions;
}): FastifyPluginAsyncTypebox {
  const replay: ReplayRouteOptions = {
    basePath: '/v1/messages',
    tags: TAGS,
    ops,
    summaries: {
      replay: 'Deliver a succeeded or failed message again from its stored payload (at most 10 times)',
      replayAll: 'Replay up to `limit` messages in one status (oldest first), optionally of one endpoint',
      replayBatch: 'Replay up to 100 messages by id, with a result for each',
    },
    replayed: 'Message queued for replay',
    counted: (n) => `${plural(n)} queued for replay`,
    endpointFilter: { name: 'endpoint_id', description: 'ep_ + 32 hex', parse: parseEndpointFilter },
  };
  return async (app) => {
    registerReplayRoute(app, replay);

    app.post(
      '/v1/messages/:id/cancel',
      {
        schema: {
          tags: TAGS,
          summary: 'Stop the retries of a pending_retry message; it moves to the DLQ',
          params: IdParams,
          response: { 200: Envelope(MessageState('failed_permanent')), ...COMMON_ERRORS, 404: ErrorRef },
        },
      },
      async (request) => {
        const id = request.params.id.toLowerCase();
        await ops.cancel(projectIdOf(request), id);
        return ok(request, { message_id: id, status: 'failed_permanent' });
      },
    );

    app.post(
      '/v1/messages/:id/retry-now',
      {
        schema: {
          tags: TAGS,
          summary: 'Make the next retry of a pending_retry message due now',
          params: IdParams,
          response: { 202: WithMessage(MessageState('pending_retry')), ...COMMON_ERRORS, 404: ErrorRef },
        },
      },
      async (request, reply) => {
        const id = request.params.id.toLowerCase();
        await ops.retryNow(projectIdOf(request), id);
        return reply.code(202).send(
          withMessage(request, 'Retry scheduled for immediate pickup', {
            message_id: id,
            status: 'pending_retry',
          }),
        );
      },
    );

    registerBulkReplayRoutes(app, replay);
  };
}
