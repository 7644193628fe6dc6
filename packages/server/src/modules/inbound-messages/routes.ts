import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../http/envelope.js';
import { AppError } from '../../http/errors.js';
import { isUuid } from '../../lib/ids.js';
import type { Services } from '../../services.js';
import { INBOUND } from '../../delivery/queue-source.js';
import { listAttempts } from '../shared/queue-reads.js';
import { parseInboundEndpointFilter } from '../inbound-logs/filters.js';
import { StatusSchema } from '../logs/summary.js';
import { presentAttempt } from '../messages/present.js';
import { Attempt } from '../messages/routes.js';
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
import { InboundMessage, presentInboundMessage } from './present.js';
import { findInboundMessage } from './store.js';

const TAGS = ['Inbound messages'];
const ErrorRef = Type.Ref('ErrorEnvelope');
const IdParams = Type.Object({ id: Type.String() });
/** The documented cap of the attempts list. */
const MAX_ATTEMPTS = 200;
const InboundAttempt = Type.Omit(Attempt, ['processing_ms']);

const counted = (n: number) => `${n} inbound message${n === 1 ? '' : 's'} queued for replay`;

export function inboundMessageRoutes(services: Services): FastifyPluginAsyncTypebox {
  const ops = services.inboundMessageOps;
  return async (app) => {
    app.get(
      '/v1/inbound-messages/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Get an inbound message (never its payload)',
          params: IdParams,
          response: { 200: Envelope(InboundMessage), ...COMMON_ERRORS, 404: ErrorRef },
        },
      },
      async (request) => {
        const id = request.params.id;
        const row = isUuid(id)
          ? await findInboundMessage(services.db, projectIdOf(request), id.toLowerCase())
          : null;
        if (!row) throw new AppError('MESSAGE_NOT_FOUND');
        return ok(request, presentInboundMessage(row));
      },
    );

    app.get(
      '/v1/inbound-messages/:id/attempts',
      {
        schema: {
          tags: TAGS,
          summary:
            'Forwarding attempts of an inbound message, oldest first (at most 200); an unknown id answers []',
          params: IdParams,
          response: {
            200: Envelope(Type.Array(InboundAttempt), { has_more: Type.Boolean() }),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) => {
        const id = request.params.id;
        const rows = isUuid(id)
          ? await listAttempts(services.db, INBOUND, projectIdOf(request), id.toLowerCase(), MAX_ATTEMPTS)
          : [];
        const attempts = rows.slice(0, MAX_ATTEMPTS).map(({ processing_ms, ...row }) => presentAttempt(row));
        return ok(request, attempts, { has_more: rows.length > MAX_ATTEMPTS });
      },
    );

    app.post(
      '/v1/inbound-messages/:id/replay',
      {
        schema: {
          tags: TAGS,
          summary:
            'Forward (or offer to the CLI) a final inbound message again from its stored body (at most 10 times)',
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
          .send(
            withMessage(request, 'Inbound message queued for replay', { message_id: id, status: 'queued' }),
          );
      },
    );

    app.post(
      '/v1/inbound-messages/replay-all',
      {
        schema: {
          tags: TAGS,
          summary:
            'Replay up to `limit` inbound messages in one status (oldest first), optionally of one endpoint',
          querystring: Type.Object({
            status: StatusSchema,
            inbound_endpoint_id: Type.Optional(Type.String({ description: 'an inbound endpoint id (UUID)' })),
            limit: ReplayAllLimit,
          }),
          response: { 202: WithMessage(ReplayAllResult), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const { status, inbound_endpoint_id, limit } = request.query;
        const result = await ops.replayAll(projectIdOf(request), {
          status,
          endpointId: parseInboundEndpointFilter(inbound_endpoint_id),
          limit: limit ?? 100,
        });
        return reply.code(202).send(withMessage(request, counted(result.replayed), replayAllData(result)));
      },
    );

    app.post(
      '/v1/inbound-messages/replay-batch',
      {
        schema: {
          tags: TAGS,
          summary: 'Replay up to 100 inbound messages by id, with a result for each',
          body: ReplayBatchBody,
          response: { 202: WithMessage(ReplayBatchResult), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const result = await ops.replayMany(projectIdOf(request), request.body.message_ids);
        return reply.code(202).send(withMessage(request, counted(result.replayed), replayBatchData(result)));
      },
    );
  };
}
