import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { projectIdOf } from '../../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../../http/envelope.js';
import { toRfc3339 } from '../../../lib/time.js';
import type { Services } from '../../../services.js';
import type { NewKey } from './service.js';
import {
  CreatedInbound,
  CreateInboundBody,
  ErrorRef,
  IdParams,
  InboundEndpoint,
  InboundSummary,
  ListQuery,
  presentInbound,
  presentSummary,
  TAGS,
  UpdatedInbound,
  UpdateInboundBody,
} from './schemas.js';

const NOT_FOUND = { 404: ErrorRef };
const State = (field: 'paused' | 'deleted') =>
  Envelope(Type.Object({ id: Type.String(), [field]: Type.Boolean() }));

/** Where this server is reached, when HOOKBRIDGE_PUBLIC_URL does not say. */
function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function newKeyFields(key: NewKey | null) {
  return key ? { signing_key_id: key.row.id, signing_secret: key.secret, key_hint: key.row.key_hint } : {};
}

export function inboundEndpointRoutes({
  inboundEndpoints,
}: Pick<Services, 'inboundEndpoints'>): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/v1/inbound-endpoints',
      {
        schema: {
          tags: TAGS,
          summary: 'Create an inbound endpoint; its secret token (in ingest_url) is returned once',
          body: CreateInboundBody,
          response: { 201: Envelope(CreatedInbound), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const { endpoint, token, key } = await inboundEndpoints.create(projectIdOf(request), request.body);
        const ingestUrl = inboundEndpoints.ingestUrl(endpoint, origin(request))!;
        return reply.code(201).send(
          ok(request, {
            id: endpoint.id,
            name: endpoint.name ?? '',
            url: endpoint.url ?? '',
            mode: endpoint.mode,
            active: endpoint.active,
            ephemeral: endpoint.ephemeral,
            expires_at: toRfc3339(endpoint.expires_at),
            ingest_url: ingestUrl,
            receive_url: ingestUrl,
            secret_token: token,
            created_at: toRfc3339(endpoint.created_at)!,
            ...newKeyFields(key),
          }),
        );
      },
    );

    app.get(
      '/v1/inbound-endpoints',
      {
        schema: {
          tags: TAGS,
          summary:
            "List the project's inbound endpoints, oldest first: all of them unless `limit` asks for pages (ingest_url only for cli mode)",
          querystring: ListQuery,
          response: {
            200: Envelope(Type.Array(InboundSummary), {
              next_cursor: Type.Union([Type.String(), Type.Null()]),
              has_more: Type.Boolean(),
            }),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) => {
        const page = await inboundEndpoints.list(projectIdOf(request), {
          cursor: request.query.cursor,
          limit: request.query.limit ?? null,
        });
        const rows = page.rows.map((row) =>
          presentSummary(row, row.mode === 'cli' ? inboundEndpoints.ingestUrl(row, origin(request)) : null),
        );
        return ok(request, rows, { next_cursor: page.nextCursor, has_more: page.nextCursor !== null });
      },
    );

    app.get(
      '/v1/inbound-endpoints/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Get an inbound endpoint (never its token value or HMAC secret)',
          params: IdParams,
          response: { 200: Envelope(InboundEndpoint), ...COMMON_ERRORS, ...NOT_FOUND },
        },
      },
      async (request) => {
        const row = await inboundEndpoints.get(projectIdOf(request), request.params.id);
        return ok(request, presentInbound(row, inboundEndpoints.ingestUrl(row, origin(request))));
      },
    );

    app.patch(
      '/v1/inbound-endpoints/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Change an inbound endpoint; only the fields sent change',
          params: IdParams,
          body: UpdateInboundBody,
          response: { 200: Envelope(UpdatedInbound), ...COMMON_ERRORS, ...NOT_FOUND },
        },
      },
      async (request) => {
        const { endpoint, key } = await inboundEndpoints.update(
          projectIdOf(request),
          request.params.id,
          request.body,
        );
        const present = presentInbound(endpoint, inboundEndpoints.ingestUrl(endpoint, origin(request)));
        return ok(request, { ...present, updated: true, ...newKeyFields(key) });
      },
    );

    app.delete(
      '/v1/inbound-endpoints/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Delete an inbound endpoint: ingests answer 410; accepted messages still finish',
          params: IdParams,
          response: { 200: State('deleted'), ...COMMON_ERRORS, ...NOT_FOUND },
        },
      },
      async (request) => {
        const id = await inboundEndpoints.delete(projectIdOf(request), request.params.id);
        return ok(request, { id, deleted: true });
      },
    );

    for (const [action, paused] of [
      ['pause', true],
      ['resume', false],
    ] as const) {
      app.post(
        `/v1/inbound-endpoints/:id/${action}`,
        {
          schema: {
            tags: TAGS,
            summary: paused
              ? 'Pause: new ingests are refused with 503 until resumed'
              : 'Resume accepting ingests',
            params: IdParams,
            response: { 200: State('paused'), ...COMMON_ERRORS, ...NOT_FOUND },
          },
        },
        async (request) => {
          const id = await inboundEndpoints.setPaused(projectIdOf(request), request.params.id, paused);
          return ok(request, { id, paused });
        },
      );
    }
  };
}
