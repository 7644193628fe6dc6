import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { ok } from '../../http/envelope.js';
import type { BulkReplay } from './bulk-replay.js';

/** The schemas and answers the replay, replay-all and replay-batch routes of every queue share. */

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

export const ReplayAllResult = Type.Object({
  ...BulkCounts,
  replayed_message_ids: Type.Array(Type.String()),
  stuck_message_ids: Type.Array(Type.String()),
});

export const ReplayBatchResult = Type.Object({
  ...BulkCounts,
  results: Type.Array(
    Type.Object({
      message_id: Type.String(),
      status: Type.Union([Type.Literal('replayed'), Type.Literal('failed')]),
      error: Type.Optional(Type.String()),
    }),
  ),
});

export const ReplayBatchBody = Type.Object({
  message_ids: Type.Array(Type.String({ maxLength: 100 }), { minItems: 1, maxItems: MAX_BATCH_IDS }),
});

export const ReplayAllLimit = Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 }));

export function replayAllData({ replayed, failed, stuck, replayedIds, stuckIds }: BulkReplay) {
  return { replayed, failed, stuck, replayed_message_ids: replayedIds, stuck_message_ids: stuckIds };
}

export function replayBatchData({ replayed, failed, stuck, results }: BulkReplay) {
  return { replayed, failed, stuck, results };
}
