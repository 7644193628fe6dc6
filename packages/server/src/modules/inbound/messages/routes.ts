import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../../http/envelope.js';
import { AppError } from '../../../errors.js';
import { isUuid } from '../../../lib/ids.js';
import type { Services } from '../../../services.js';
import { parseInboundEndpointFilter } from '../shared/filters.js';
import { presentAttempt } from '../../messages/present.js';
import { Attempt } from '../../messages/routes.js';
import {
  type ReplayRouteOptions,
  registerBulkReplayRoutes,
  registerReplayRoute,
} from '../../shared/replay-routes.js';
import { InboundMessage, presentInboundMessage } from './present.js';

const TAGS = ['Inbound messages'];
const ErrorRef = Type.Ref('ErrorEnvelope');
const IdParams = Type.Object({ id: Type.String() });
/** The documented cap of the attempts list. */
const MAX_ATTEMPTS = 200;
const InboundAttempt = Type.Omit(Attempt, ['processing_ms']);

export function inboundMessageRoutes({
  inboundMessageQueries,
  inboundMessageActions,
}: Pick<Services, 'inboundMessageQueries' | 'inboundMessageActions'>): FastifyPluginAsyncTypebox {
  const replay: ReplayRouteOptions = {
    basePath: '/v1/inbound-messages',
    tags: TAGS,
    ops: inboundMessageActions,
    summaries: {
      replay:
        'Forward (or offer to the CLI) a final inbound message again from its stored body (at most 10 times)',
      replayAll:
        'Replay up to `limit` inbound messages in one status (oldest first), optionally of one endpoint',
      replayBatch: 'Replay up to 100 inbound messages by id, with a result for each',
    },
    replayed: 'Inbound message queued for replay',
    counted: (n) => `${n} inbound message${n === 1 ? '' : 's'} queued for replay`,
    endpointFilter: {
      name: 'inbound_endpoint_id',
      description: 'an inbound endpoint id (UUID)',
      parse: parseInboundEndpointFilter,
    },
  };
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
          ? await inboundMessageQueries.find(projectIdOf(request), id.toLowerCase())
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
          ? await inboundMessageQueries.attempts(projectIdOf(request), id.toLowerCase(), MAX_ATTEMPTS)
          : [];
        const attempts = rows.slice(0, MAX_ATTEMPTS).map(({ processing_ms, ...row }) => presentAttempt(row));
        return ok(request, attempts, { has_more: rows.length > MAX_ATTEMPTS });
      },
    );

    registerReplayRoute(app, replay);
    registerBulkReplayRoutes(app, replay);
  };
}
