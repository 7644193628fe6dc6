import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { projectIdOf } from '../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../http/envelope.js';
import { AppError } from '../../errors.js';
import { isUuid } from '../../lib/ids.js';
import { toRfc3339 } from '../../lib/time.js';
import { parseEndpointFilter, parseTimestamp, STATUSES } from '../messages/logs/filters.js';
import { type BatchSummary, type DeletionService, MAX_BATCH, MAX_DELETE_ALL } from './service.js';
import type { Actor } from './store.js';
import { type DeletionTable, INBOUND_MESSAGES, OUTBOUND_MESSAGES } from './tables.js';

const ErrorRef = Type.Ref('ErrorEnvelope');
const Outcome = Type.Union([
  Type.Literal('deleted'),
  Type.Literal('already_deleted'),
  Type.Literal('not_found'),
]);
const Status = Type.Union(STATUSES.map((s) => Type.Literal(s)));

export const Deleted = (idField: string) =>
  Type.Object({
    [idField]: Type.String(),
    deleted_at: Type.String({ format: 'date-time' }),
    already_deleted: Type.Boolean(),
  });

export const BatchDeleted = (idField: string) =>
  Type.Object({
    results: Type.Array(
      Type.Object({
        [idField]: Type.String(),
        outcome: Outcome,
        deleted_at: Type.Optional(Type.String({ format: 'date-time' })),
      }),
    ),
    deleted_count: Type.Integer(),
    already_deleted_count: Type.Integer(),
    not_found_count: Type.Integer(),
  });

/** The caller recorded as the deleter: its API key, or nobody for the admin token. */
export function actorOf(request: FastifyRequest): Actor {
  return { apiKeyId: request.principal?.kind === 'key' ? request.principal.keyId : null };
}

export function presentBatch(idField: string, summary: BatchSummary) {
  return {
    results: summary.results.map((r) =>
      r.deleted_at
        ? { [idField]: r.id, outcome: r.outcome, deleted_at: toRfc3339(r.deleted_at)! }
        : { [idField]: r.id, outcome: r.outcome },
    ),
    deleted_count: summary.deleted,
    already_deleted_count: summary.alreadyDeleted,
    not_found_count: summary.notFound,
  };
}

interface MessageDeletionOptions {
  basePath: '/v1/messages' | '/v1/inbound-messages';
  table: DeletionTable;
  tags: string[];
  endpointFilter: {
    name: 'endpoint_id' | 'inbound_endpoint_id';
    parse(value: string | undefined): string | null;
  };
  timeFilters: { after: 'created_after' | 'received_after'; before: 'created_before' | 'received_before' };
}

function parseInboundFilter(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (!isUuid(value)) throw new AppError('INVALID_REQUEST', 'inbound_endpoint_id must be a UUID');
  return value.toLowerCase();
}

function messageDeletionRoutes(
  deletion: DeletionService,
  o: MessageDeletionOptions,
): FastifyPluginAsyncTypebox {
  const DeleteAllQuery = Type.Object({
    status: Type.Optional(Status),
    [o.endpointFilter.name]: Type.Optional(Type.String()),
    [o.timeFilters.after]: Type.Optional(Type.String({ description: 'RFC 3339, inclusive' })),
    [o.timeFilters.before]: Type.Optional(Type.String({ description: 'RFC 3339, exclusive' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_DELETE_ALL, default: 100 })),
  });
  return async (app) => {
    app.delete(
      `${o.basePath}/:id`,
      {
        schema: {
          tags: o.tags,
          summary:
            'Delete a message: its payload and attempt bodies are erased at once, a delivery in progress is ' +
            'cancelled; a second call reports already_deleted',
          params: Type.Object({ id: Type.String() }),
          response: { 200: Envelope(Deleted('message_id')), ...COMMON_ERRORS, 404: ErrorRef },
        },
      },
      async (request) => {
        const outcome = await deletion.deleteOne(
          o.table,
          { projectId: projectIdOf(request), endpointId: null },
          request.params.id,
          actorOf(request),
        );
        if (!outcome) throw new AppError('MESSAGE_NOT_FOUND');
        return ok(request, {
          message_id: outcome.id,
          deleted_at: toRfc3339(outcome.deleted_at)!,
          already_deleted: outcome.already_deleted,
        });
      },
    );

    app.post(
      `${o.basePath}/delete-batch`,
      {
        schema: {
          tags: o.tags,
          summary: `Delete up to ${MAX_BATCH} messages by id, with an outcome for each`,
          body: Type.Object({
            message_ids: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: MAX_BATCH }),
          }),
          response: { 200: Envelope(BatchDeleted('message_id')), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const summary = await deletion.deleteBatch(
          o.table,
          { projectId: projectIdOf(request), endpointId: null },
          request.body.message_ids,
          actorOf(request),
        );
        return ok(request, presentBatch('message_id', summary));
      },
    );

    app.post(
      `${o.basePath}/delete-all`,
      {
        schema: {
          tags: o.tags,
          summary:
            `Delete up to \`limit\` (at most ${MAX_DELETE_ALL}) matching messages, oldest first; ` +
            'has_more tells that more matched: call again',
          querystring: DeleteAllQuery,
          response: {
            200: Envelope(
              Type.Object({
                deleted: Type.Integer(),
                deleted_message_ids: Type.Array(Type.String()),
                has_more: Type.Boolean(),
              }),
            ),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) => {
        const query = request.query as Record<string, string | number | undefined>;
        const from = parseTimestamp(query[o.timeFilters.after] as string | undefined, o.timeFilters.after);
        const to = parseTimestamp(query[o.timeFilters.before] as string | undefined, o.timeFilters.before);
        if (from && to && Date.parse(to) <= Date.parse(from)) {
          throw new AppError(
            'INVALID_REQUEST',
            `${o.timeFilters.before} must be after ${o.timeFilters.after}`,
          );
        }
        const result = await deletion.deleteMatching(
          o.table,
          {
            projectId: projectIdOf(request),
            endpointId: o.endpointFilter.parse(query[o.endpointFilter.name] as string | undefined),
            status: (query.status as string | undefined) ?? null,
            from,
            to,
            limit: (query.limit as number | undefined) ?? 100,
          },
          actorOf(request),
        );
        return ok(request, {
          deleted: result.deletedIds.length,
          deleted_message_ids: result.deletedIds,
          has_more: result.hasMore,
        });
      },
    );
  };
}

export function outboundDeletionRoutes({ deletion }: { deletion: DeletionService }) {
  return messageDeletionRoutes(deletion, {
    basePath: '/v1/messages',
    table: OUTBOUND_MESSAGES,
    tags: ['Messages'],
    endpointFilter: { name: 'endpoint_id', parse: parseEndpointFilter },
    timeFilters: { after: 'created_after', before: 'created_before' },
  });
}

export function inboundDeletionRoutes({ deletion }: { deletion: DeletionService }) {
  return messageDeletionRoutes(deletion, {
    basePath: '/v1/inbound-messages',
    table: INBOUND_MESSAGES,
    tags: ['Inbound messages'],
    endpointFilter: { name: 'inbound_endpoint_id', parse: parseInboundFilter },
    timeFilters: { after: 'received_after', before: 'received_before' },
  });
}
