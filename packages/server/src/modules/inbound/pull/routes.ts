import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { projectIdOf } from '../../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../../http/envelope.js';
import { AppError } from '../../../errors.js';
import { isUuid } from '../../../lib/ids.js';
import { toRfc3339 } from '../../../lib/time.js';
import type { Services } from '../../../services.js';
import { actorOf, BatchDeleted, Deleted, presentBatch } from '../../deletion/routes.js';
import { MAX_BATCH, MAX_DELETE_ALL } from '../../deletion/service.js';
import { PULL_EVENTS } from '../../deletion/tables.js';
import { parseTimestamp } from '../../messages/logs/filters.js';
import { Metrics } from '../../metrics/routes.js';
import { formatRate, parseWindow, WINDOWS } from '../../metrics/windows.js';
import type { EventStatus } from './event-store.js';
import { pullEventNotFound } from './event-service.js';
import {
  presentEndpoint,
  presentEndpointWithCounts,
  presentEvent,
  presentEventDetail,
  presentLog,
  presentSummary,
} from './present.js';
import {
  CreatedPull,
  CreatePullBody,
  ENDPOINT_TAGS,
  EndpointParams,
  ErrorRef,
  EVENT_TAGS,
  EventParams,
  EventStatus as EventStatusSchema,
  PullEndpoint,
  PullEventDetail,
  PullEventSummary,
  PullLogEntry,
  PullSummary,
  UpdatePullBody,
} from './schemas.js';

const NOT_FOUND = { 404: ErrorRef };
const State = (field: 'paused' | 'deleted') =>
  Envelope(Type.Object({ id: Type.String(), [field]: Type.Boolean() }));
const CursorMeta = {
  next_cursor: Type.String({ description: 'empty when there are no more' }),
  has_more: Type.Boolean(),
};
const OBSERVABILITY_TAGS = ['Pull logs and metrics'];

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function parseRange(since: string | undefined, before: string | undefined, names: [string, string]) {
  const from = parseTimestamp(since, names[0]);
  const to = parseTimestamp(before, names[1]);
  if (from && to && Date.parse(to) <= Date.parse(from)) {
    throw new AppError('INVALID_REQUEST', `${names[1]} must be after ${names[0]}`);
  }
  return { from, to };
}

/** success_rate always carries a fraction (`1.0`), as on the other metrics routes. */
function metricsJson(body: { data: { success_rate: number } & Record<string, unknown>; meta: unknown }) {
  const { success_rate, ...rest } = body.data;
  const data = JSON.stringify(rest).slice(0, -1);
  return `{"data":${data},"success_rate":${formatRate(success_rate)}},"meta":${JSON.stringify(body.meta)}}`;
}

export function pullRoutes({
  pull,
  pullEvents,
  deletion,
}: Pick<Services, 'pull' | 'pullEvents' | 'deletion'>): FastifyPluginAsyncTypebox {
  /** The endpoint named in the path, of the caller's project: 404 otherwise. */
  const scopeOf = async (request: FastifyRequest, id: string) => {
    const projectId = projectIdOf(request);
    const endpoint = await pull.get(projectId, id);
    return { projectId, endpointId: endpoint.id };
  };

  return async (app) => {
    app.post(
      '/v1/pull-endpoints',
      {
        schema: {
          tags: ENDPOINT_TAGS,
          summary: 'Create a pull endpoint; its secret token (in ingest_url) is returned once',
          body: CreatePullBody,
          response: { 201: Envelope(CreatedPull), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const { endpoint, token } = await pull.create(projectIdOf(request), request.body);
        return reply.code(201).send(
          ok(request, {
            ...presentEndpoint(endpoint, pull.ingestUrl(endpoint, origin(request))),
            secret_token: token,
          }),
        );
      },
    );

    app.get(
      '/v1/pull-endpoints',
      {
        schema: {
          tags: ENDPOINT_TAGS,
          summary: "List the project's pull endpoints, oldest first",
          querystring: Type.Object({
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
            cursor: Type.Optional(Type.String()),
          }),
          response: {
            200: Envelope(Type.Array(PullSummary), {
              next_cursor: Type.Union([Type.String(), Type.Null()]),
              has_more: Type.Boolean(),
            }),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) => {
        const page = await pull.list(projectIdOf(request), {
          cursor: request.query.cursor,
          limit: request.query.limit ?? 50,
        });
        const rows = page.rows.map((row) => presentSummary(row, pull.ingestUrl(row, origin(request))));
        return ok(request, rows, { next_cursor: page.nextCursor, has_more: page.nextCursor !== null });
      },
    );

    app.get(
      '/v1/pull-endpoints/:id',
      {
        schema: {
          tags: ENDPOINT_TAGS,
          summary: 'Get a pull endpoint with its event counts (never its token value or HMAC secret)',
          params: EndpointParams,
          response: { 200: Envelope(PullEndpoint), ...COMMON_ERRORS, ...NOT_FOUND },
        },
      },
      async (request) => {
        const row = await pull.get(projectIdOf(request), request.params.id);
        const counts = await pull.counts(row.id);
        return ok(request, presentEndpointWithCounts(row, pull.ingestUrl(row, origin(request)), counts));
      },
    );

    app.patch(
      '/v1/pull-endpoints/:id',
      {
        schema: {
          tags: ENDPOINT_TAGS,
          summary: 'Change a pull endpoint; only the fields sent change. Answers the whole endpoint',
          params: EndpointParams,
          body: UpdatePullBody,
          response: { 200: Envelope(PullEndpoint), ...COMMON_ERRORS, ...NOT_FOUND },
        },
      },
      async (request) => {
        const row = await pull.update(projectIdOf(request), request.params.id, request.body);
        const counts = await pull.counts(row.id);
        return ok(request, presentEndpointWithCounts(row, pull.ingestUrl(row, origin(request)), counts));
      },
    );

    app.delete(
      '/v1/pull-endpoints/:id',
      {
        schema: {
          tags: ENDPOINT_TAGS,
          summary: 'Delete a pull endpoint: ingests answer 410 and its events are no longer reachable',
          params: EndpointParams,
          response: { 200: State('deleted'), ...COMMON_ERRORS, ...NOT_FOUND },
        },
      },
      async (request) =>
        ok(request, { id: await pull.delete(projectIdOf(request), request.params.id), deleted: true }),
    );

    for (const [action, paused] of [
      ['pause', true],
      ['resume', false],
    ] as const) {
      app.post(
        `/v1/pull-endpoints/:id/${action}`,
        {
          schema: {
            tags: ENDPOINT_TAGS,
            summary: paused
              ? 'Pause: ingests answer 503 and nothing is stored until resumed; stored events stay retrievable'
              : 'Resume accepting ingests',
            params: EndpointParams,
            response: { 200: State('paused'), ...COMMON_ERRORS, ...NOT_FOUND },
          },
        },
        async (request) => {
          const id = await pull.setPaused(projectIdOf(request), request.params.id, paused);
          return ok(request, { id, paused });
        },
      );
    }

    app.get(
      '/v1/pull-endpoints/:id/events',
      {
        schema: {
          tags: EVENT_TAGS,
          summary:
            'List events in one status (default stored), oldest first, metadata only. Poll without a cursor; ' +
            'the cursor pages through one listing',
          params: EndpointParams,
          querystring: Type.Object({
            status: Type.Optional(EventStatusSchema),
            event_type: Type.Optional(Type.String({ maxLength: 255 })),
            since: Type.Optional(Type.String({ description: 'RFC 3339, inclusive (received_at)' })),
            before: Type.Optional(Type.String({ description: 'RFC 3339, exclusive (received_at)' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
            cursor: Type.Optional(Type.String()),
          }),
          response: {
            200: Envelope(Type.Array(PullEventSummary), CursorMeta),
            ...COMMON_ERRORS,
            ...NOT_FOUND,
          },
        },
      },
      async (request) => {
        const scope = await scopeOf(request, request.params.id);
        const q = request.query;
        const { from, to } = parseRange(q.since, q.before, ['since', 'before']);
        const page = await pullEvents.list(scope, {
          status: (q.status ?? 'stored') as EventStatus,
          eventType: q.event_type ?? null,
          since: from,
          before: to,
          limit: q.limit ?? 100,
          cursor: q.cursor,
        });
        return ok(request, page.rows.map(presentEvent), {
          next_cursor: page.nextCursor ?? '',
          has_more: page.nextCursor !== null,
        });
      },
    );

    app.post(
      '/v1/pull-endpoints/:id/events/ack',
      {
        schema: {
          tags: EVENT_TAGS,
          summary:
            'Acknowledge events: they become delivered (and stay retrievable until retention). `acknowledged` ' +
            'counts the events this call changed; acknowledging again counts 0',
          params: EndpointParams,
          body: Type.Object({
            event_ids: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 1000 }),
          }),
          response: {
            200: Envelope(Type.Object({ acknowledged: Type.Integer() })),
            ...COMMON_ERRORS,
            ...NOT_FOUND,
          },
        },
      },
      async (request) => {
        const scope = await scopeOf(request, request.params.id);
        return ok(request, { acknowledged: await pullEvents.ack(scope, request.body.event_ids) });
      },
    );

    app.post(
      '/v1/pull-endpoints/:id/events/delete-batch',
      {
        schema: {
          tags: EVENT_TAGS,
          summary: `Delete up to ${MAX_BATCH} events by id (\`message_ids\`, or \`event_ids\`), with an outcome for each`,
          params: EndpointParams,
          body: Type.Object({
            message_ids: Type.Optional(
              Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: MAX_BATCH }),
            ),
            event_ids: Type.Optional(
              Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: MAX_BATCH }),
            ),
          }),
          response: { 200: Envelope(BatchDeleted('event_id')), ...COMMON_ERRORS, ...NOT_FOUND },
        },
      },
      async (request) => {
        const ids = request.body.message_ids ?? request.body.event_ids;
        if (!ids || (request.body.message_ids && request.body.event_ids)) {
          throw new AppError('INVALID_REQUEST', 'send the event ids as message_ids (or event_ids), not both');
        }
        const scope = await scopeOf(request, request.params.id);
        return ok(
          request,
          presentBatch('event_id', await deletion.deleteBatch(PULL_EVENTS, scope, ids, actorOf(request))),
        );
      },
    );

    app.post(
      '/v1/pull-endpoints/:id/events/delete-all',
      {
        schema: {
          tags: EVENT_TAGS,
          summary: `Delete up to \`limit\` (at most ${MAX_DELETE_ALL}) matching events, oldest first; has_more tells that more matched`,
          params: EndpointParams,
          querystring: Type.Object({
            status: Type.Optional(EventStatusSchema),
            event_type: Type.Optional(Type.String({ maxLength: 255 })),
            received_after: Type.Optional(Type.String({ description: 'RFC 3339, inclusive' })),
            received_before: Type.Optional(Type.String({ description: 'RFC 3339, exclusive' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_DELETE_ALL, default: 100 })),
          }),
          response: {
            200: Envelope(
              Type.Object({
                deleted: Type.Integer(),
                deleted_event_ids: Type.Array(Type.String()),
                has_more: Type.Boolean(),
              }),
            ),
            ...COMMON_ERRORS,
            ...NOT_FOUND,
          },
        },
      },
      async (request) => {
        const scope = await scopeOf(request, request.params.id);
        const q = request.query;
        const { from, to } = parseRange(q.received_after, q.received_before, [
          'received_after',
          'received_before',
        ]);
        const result = await deletion.deleteMatching(
          PULL_EVENTS,
          {
            ...scope,
            status: q.status ?? null,
            eventType: q.event_type ?? null,
            from,
            to,
            limit: q.limit ?? 100,
          },
          actorOf(request),
        );
        return ok(request, {
          deleted: result.deletedIds.length,
          deleted_event_ids: result.deletedIds,
          has_more: result.hasMore,
        });
      },
    );

    app.get(
      '/v1/pull-endpoints/:id/events/:event_id',
      {
        schema: {
          tags: EVENT_TAGS,
          summary:
            'An event with its payload and headers; marks it fetched unless preview=true. Two consumers may ' +
            'fetch the same event: both get it (at-least-once); acknowledge to finish it',
          params: EventParams,
          querystring: Type.Object({ preview: Type.Optional(Type.Boolean()) }),
          response: { 200: Envelope(PullEventDetail), ...COMMON_ERRORS, ...NOT_FOUND },
        },
      },
      async (request) => {
        const scope = await scopeOf(request, request.params.id);
        const row = await pullEvents.get(scope, request.params.event_id, request.query.preview === true);
        return ok(request, presentEventDetail(row));
      },
    );

    app.delete(
      '/v1/pull-endpoints/:id/events/:event_id',
      {
        schema: {
          tags: EVENT_TAGS,
          summary: 'Delete an event and its payload; a second call reports already_deleted',
          params: EventParams,
          response: { 200: Envelope(Deleted('event_id')), ...COMMON_ERRORS, ...NOT_FOUND },
        },
      },
      async (request) => {
        const scope = await scopeOf(request, request.params.id);
        const outcome = await deletion.deleteOne(
          PULL_EVENTS,
          scope,
          request.params.event_id,
          actorOf(request),
        );
        if (!outcome) throw pullEventNotFound();
        return ok(request, {
          event_id: outcome.id,
          deleted_at: toRfc3339(outcome.deleted_at)!,
          already_deleted: outcome.already_deleted,
        });
      },
    );

    const endpointFilter = async (projectId: string, id: string | undefined) => {
      if (id === undefined) return null;
      if (!isUuid(id)) throw new AppError('INVALID_REQUEST', 'pull_endpoint_id must be a UUID');
      return (await pull.get(projectId, id)).id;
    };

    app.get(
      '/v1/pull-logs',
      {
        schema: {
          tags: OBSERVABILITY_TAGS,
          summary:
            "The project's pull events, newest first; filters pull_endpoint_id, status, event_type, time",
          querystring: Type.Object({
            pull_endpoint_id: Type.Optional(Type.String()),
            status: Type.Optional(EventStatusSchema),
            event_type: Type.Optional(Type.String({ maxLength: 255 })),
            start_time: Type.Optional(Type.String({ description: 'RFC 3339, inclusive (received_at)' })),
            end_time: Type.Optional(Type.String({ description: 'RFC 3339, exclusive' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
            cursor: Type.Optional(Type.String()),
          }),
          response: {
            200: Envelope(Type.Array(PullLogEntry), {
              next_cursor: Type.Union([Type.String(), Type.Null()]),
              has_more: Type.Boolean(),
            }),
            ...COMMON_ERRORS,
            ...NOT_FOUND,
          },
        },
      },
      async (request) => {
        const projectId = projectIdOf(request);
        const q = request.query;
        const { from, to } = parseRange(q.start_time, q.end_time, ['start_time', 'end_time']);
        const page = await pullEvents.logs(projectId, {
          endpointId: await endpointFilter(projectId, q.pull_endpoint_id),
          status: (q.status ?? null) as EventStatus | null,
          eventType: q.event_type ?? null,
          from,
          to,
          limit: q.limit ?? 50,
          cursor: q.cursor,
        });
        return ok(request, page.rows.map(presentLog), {
          next_cursor: page.nextCursor,
          has_more: page.nextCursor !== null,
        });
      },
    );

    const MetricsQuery = Type.Object({
      window: Type.Optional(Type.String({ description: `${WINDOWS.join(' | ')}; default 24h` })),
      pull_endpoint_id: Type.Optional(Type.String({ description: 'a pull endpoint id (UUID)' })),
    });

    app.get(
      '/v1/pull-metrics',
      {
        schema: {
          tags: OBSERVABILITY_TAGS,
          summary:
            'Metrics of the events received in the window: succeeded = acknowledged, retries = repeated ' +
            'fetches, avg_latency_ms = time to store on ingest',
          querystring: MetricsQuery,
          response: { 200: Envelope(Metrics), ...COMMON_ERRORS, ...NOT_FOUND },
        },
      },
      async (request, reply) => {
        const projectId = projectIdOf(request);
        const window = parseWindow(request.query.window);
        const endpointId = await endpointFilter(projectId, request.query.pull_endpoint_id);
        const body = ok(request, await pullEvents.metrics(projectId, endpointId, window));
        return reply.type('application/json; charset=utf-8').serializer(metricsJson).send(body);
      },
    );

    app.get(
      '/v1/pull-metrics/timeseries',
      {
        schema: {
          tags: OBSERVABILITY_TAGS,
          summary:
            'Events per UTC-aligned bucket by current status (1h: 5 min, 24h: 1 h, 7d: 6 h, 30d: 1 day)',
          querystring: MetricsQuery,
          response: {
            200: Envelope(
              Type.Object({
                window: Type.String(),
                buckets: Type.Array(
                  Type.Object({
                    timestamp: Type.String({ format: 'date-time', description: 'bucket start, UTC' }),
                    succeeded: Type.Integer({ description: 'acknowledged' }),
                    stored: Type.Integer(),
                    fetched: Type.Integer(),
                    total: Type.Integer(),
                  }),
                ),
              }),
            ),
            ...COMMON_ERRORS,
            ...NOT_FOUND,
          },
        },
      },
      async (request) => {
        const projectId = projectIdOf(request);
        const window = parseWindow(request.query.window);
        const endpointId = await endpointFilter(projectId, request.query.pull_endpoint_id);
        return ok(request, await pullEvents.timeseries(projectId, endpointId, window));
      },
    );
  };
}
