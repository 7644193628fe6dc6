import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../http/envelope.js';
import type { Services } from '../../services.js';
import { parseEndpointFilter } from '../logs/filters.js';
import { StatusSchema } from '../logs/summary.js';
import {
  MessageState,
  ReplayAllLimit,
  ReplayAllResult,
  ReplayBatchBody,
  ReplayBatchResult,
  replayAllData,
  replayBatchData,
  WithMessage,
  withMessage,
} from '../shared/replay-routes.js';

const ErrorRef = Type.Ref('ErrorEnvelope');
const IdParams = Type.Object({ id: Type.String() });
const TAGS = ['Messages'];

const plural = (n: number) => `${n} message${n === 1 ? '' : 's'}`;

export function messageOperationRoutes(services: Services): FastifyPluginAsyncTypebox {
  const ops = services.messageOps;
  return async (app) => {
    app.post(
      '/v1/messages/:id/replay',
      {
        schema: {
          tags: TAGS,
          summary: 'Deliver a succeeded or failed message again from its stored payload (at most 10 times)',
          params: IdParams,
          response: {
            202: WithMessage(MessageState('queued')),
            ...COMMON_ERRORS,
            404: ErrorRef,
            409: ErrorRef,
            410: ErrorRef,
          },
        },
      },
      async (request, reply) => {
        const id = request.params.id.toLowerCase();
        await ops.replay(projectIdOf(request), id);
        return reply
          .code(202)
          .send(withMessage(request, 'Message queued for replay', { message_id: id, status: 'queued' }));
      },
    );

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

    app.post(
      '/v1/messages/replay-all',
      {
        schema: {
          tags: TAGS,
          summary: 'Replay up to `limit` messages in one status (oldest first), optionally of one endpoint',
          querystring: Type.Object({
            status: StatusSchema,
            endpoint_id: Type.Optional(Type.String({ description: 'ep_ + 32 hex' })),
            limit: ReplayAllLimit,
          }),
          response: { 202: WithMessage(ReplayAllResult), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const { status, endpoint_id, limit } = request.query;
        const result = await ops.replayAll(projectIdOf(request), {
          status,
          endpointId: parseEndpointFilter(endpoint_id),
          limit: limit ?? 100,
        });
        return reply
          .code(202)
          .send(withMessage(request, `${plural(result.replayed)} queued for replay`, replayAllData(result)));
      },
    );

    app.post(
      '/v1/messages/replay-batch',
      {
        schema: {
          tags: TAGS,
          summary: 'Replay up to 100 messages by id, with a result for each',
          body: ReplayBatchBody,
          response: { 202: WithMessage(ReplayBatchResult), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const result = await ops.replayMany(projectIdOf(request), request.body.message_ids);
        return reply
          .code(202)
          .send(
            withMessage(request, `${plural(result.replayed)} queued for replay`, replayBatchData(result)),
          );
      },
    );
  };
}
