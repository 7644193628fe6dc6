import { type TObject, type TSchema, Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { projectIdOf } from '../../http/auth.js';
import { COMMON_ERRORS, ok } from '../../http/envelope.js';
import { StatusSchema } from '../messages/logs/summary.js';
import type { BulkReplay } from './bulk-replay.js';

/** The replay, replay-all and replay-batch routes, the same for every queue but for names and wording. */

export const MAX_BATCH_IDS = 100;

/** `{message, data, meta}`: the documented shape of replay (and retry-now) answers. */
export function WithMessage<T extends TSchema>(data: T) {
  return Type.Object({ message: Type.String(), data, meta: Type.Object({ request_id: Type.String() }) });
}

export function withMessage<T>(request: FastifyRequest, message: string, data: T) {
  return { message, ...ok(request, data) };
}

export const MessageState = (status: string) =>
  Type.Object({ message_id: Type.String(), status: Type.Literal(status) });

const BulkCounts = {
  replayed: Type.Integer(),
  failed: Type.Integer(),
  stuck: Type.Integer({ description: 'Messages being delivered right now, left alone' }),
};

const ReplayAllResult = Type.Object({
  ...BulkCounts,
  replayed_message_ids: Type.Array(Type.String()),
  stuck_message_ids: Type.Array(Type.String()),
});

const ReplayBatchResult = Type.Object({
  ...BulkCounts,
  results: Type.Array(
    Type.Object({
      message_id: Type.String(),
      status: Type.Union([Type.Literal('replayed'), Type.Literal('failed')]),
      error: Type.Optional(Type.String()),
    }),
  ),
});

const ReplayBatchBody = Type.Object({
  message_ids: Type.Array(Type.String({ maxLength: 100 }), { minItems: 1, maxItems: MAX_BATCH_IDS }),
});

const ReplayAllLimit = Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 }));

function replayAllData({ replayed, failed, stuck, replayedIds, stuckIds }: BulkReplay) {
  return { replayed, failed, stuck, replayed_message_ids: replayedIds, stuck_message_ids: stuckIds };
}

function replayBatchData({ replayed, failed, stuck, results }: BulkReplay) {
  return { replayed, failed, stuck, results };
}

type App = Parameters<FastifyPluginAsyncTypebox>[0];

export interface ReplayRouteOptions {
  /** `/v1/messages` or `/v1/inbound-messages`. */
  basePath: string;
  tags: string[];
  ops: {
    replay(projectId: string, id: string): Promise<void>;
    replayAll(
      projectId: string,
      filter: { status: string; endpointId: string | null; limit: number },
    ): Promise<BulkReplay>;
    replayMany(projectId: string, ids: string[]): Promise<BulkReplay>;
  };
  summaries: { replay: string; replayAll: string; replayBatch: string };
  /** The answer's message to a single replay, and to a bulk one of `n` messages. */
  replayed: string;
  counted: (n: number) => string;
  /** replay-all's optional endpoint filter: its query parameter and how its value is checked. */
  endpointFilter: { name: string; description: string; parse(value: string | undefined): string | null };
}

const ErrorRef = Type.Ref('ErrorEnvelope');
const IdParams = Type.Object({ id: Type.String() });

export function registerReplayRoute(app: App, o: ReplayRouteOptions): void {
  app.post(
    `${o.basePath}/:id/replay`,
    {
      schema: {
        tags: o.tags,
        summary: o.summaries.replay,
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
      await o.ops.replay(projectIdOf(request), id);
      return reply.code(202).send(withMessage(request, o.replayed, { message_id: id, status: 'queued' }));
    },
  );
}

export function registerBulkReplayRoutes(app: App, o: ReplayRouteOptions): void {
  const filter = o.endpointFilter;
  // The filter's name differs per queue, so the schema's static type only knows the fixed fields.
  const querystring = Type.Object({
    status: StatusSchema,
    [filter.name]: Type.Optional(Type.String({ description: filter.description })),
    limit: ReplayAllLimit,
  }) as unknown as TObject<{ status: typeof StatusSchema; limit: typeof ReplayAllLimit }>;

  app.post(
    `${o.basePath}/replay-all`,
    {
      schema: {
        tags: o.tags,
        summary: o.summaries.replayAll,
        querystring,
        response: { 202: WithMessage(ReplayAllResult), ...COMMON_ERRORS },
      },
    },
    async (request, reply) => {
      const query: Record<string, unknown> = request.query;
      const { status, limit } = request.query;
      const result = await o.ops.replayAll(projectIdOf(request), {
        status,
        endpointId: filter.parse(query[filter.name] as string | undefined),
        limit: limit ?? 100,
      });
      return reply.code(202).send(withMessage(request, o.counted(result.replayed), replayAllData(result)));
    },
  );

  app.post(
    `${o.basePath}/replay-batch`,
    {
      schema: {
        tags: o.tags,
        summary: o.summaries.replayBatch,
        body: ReplayBatchBody,
        response: { 202: WithMessage(ReplayBatchResult), ...COMMON_ERRORS },
      },
    },
    async (request, reply) => {
      const result = await o.ops.replayMany(projectIdOf(request), request.body.message_ids);
      return reply.code(202).send(withMessage(request, o.counted(result.replayed), replayBatchData(result)));
    },
  );
}
