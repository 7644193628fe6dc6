import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../http/envelope.js';
import { toRfc3339 } from '../../lib/time.js';
import type { Config } from '../../config.js';
import {
  CreatedEndpoint,
  CreateEndpointBody,
  Endpoint,
  EndpointSummary,
  ErrorRef,
  IdParams,
  ListQuery,
  presentEndpoint,
  presentSummary,
  rejectInvalidBody,
  TAGS,
  UpdatedEndpoint,
  UpdateEndpointBody,
} from './schemas.js';
import type { EndpointService } from './service.js';

const NOT_FOUND = { 404: ErrorRef };

export function endpointRoutes(deps: {
  endpoints: EndpointService;
  config: Pick<Config, 'allowPrivateNetworks'>;
}): FastifyPluginAsyncTypebox {
  const { endpoints, config } = deps;
  return async (app) => {
    app.post(
      '/v1/endpoints',
      {
        attachValidation: true,
        schema: {
          tags: TAGS,
          summary: 'Create an endpoint with its first signing key (the secret is returned once)',
          body: CreateEndpointBody,
          response: { 201: Envelope(CreatedEndpoint), ...COMMON_ERRORS, 409: ErrorRef },
        },
      },
      async (request, reply) => {
        await rejectInvalidBody(request, config.allowPrivateNetworks);
        const { endpoint, key } = await endpoints.create(projectIdOf(request), request.body);
        return reply.code(201).send(
          ok(request, {
            id: endpoint.id,
            url: endpoint.url,
            description: endpoint.description,
            signing_key_id: key.row.id,
            signing_secret: key.secret,
            key_hint: key.row.key_hint,
            created_at: toRfc3339(endpoint.created_at)!,
          }),
        );
      },
    );

    app.get(
      '/v1/endpoints',
      {
        schema: {
          tags: TAGS,
          summary: "List the project's endpoints, oldest first",
          querystring: ListQuery,
          response: {
            200: Envelope(Type.Array(EndpointSummary), {
              next_cursor: Type.Union([Type.String(), Type.Null()]),
              has_more: Type.Boolean(),
            }),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) => {
        const page = await endpoints.list(projectIdOf(request), {
          cursor: request.query.cursor,
          limit: request.query.limit ?? 50,
        });
        return ok(request, page.rows.map(presentSummary), {
          next_cursor: page.nextCursor,
          has_more: page.nextCursor !== null,
        });
      },
    );

    app.get(
      '/v1/endpoints/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Get an endpoint (never its signing secrets)',
          params: IdParams,
          response: { 200: Envelope(Endpoint), ...COMMON_ERRORS, ...NOT_FOUND },
        },
      },
      async (request) =>
        ok(request, presentEndpoint(await endpoints.get(projectIdOf(request), request.params.id))),
    );

    app.patch(
      '/v1/endpoints/:id',
      {
        attachValidation: true,
        schema: {
          tags: TAGS,
          summary: 'Change an endpoint; only the fields sent change',
          params: IdParams,
          body: UpdateEndpointBody,
          response: { 200: Envelope(UpdatedEndpoint), ...COMMON_ERRORS, ...NOT_FOUND, 409: ErrorRef },
        },
      },
      async (request) => {
        await rejectInvalidBody(request, config.allowPrivateNetworks);
        const row = await endpoints.update(projectIdOf(request), request.params.id, request.body);
        return ok(request, { ...presentEndpoint(row), updated: true });
      },
    );

    app.delete(
      '/v1/endpoints/:id',
      {
        schema: {
          tags: TAGS,
          summary: 'Delete an endpoint; its queued and retrying messages fail with "endpoint deleted"',
          params: IdParams,
          response: {
            200: Envelope(Type.Object({ id: Type.String(), deleted: Type.Boolean() })),
            ...COMMON_ERRORS,
            ...NOT_FOUND,
          },
        },
      },
      async (request) => {
        await endpoints.delete(projectIdOf(request), request.params.id);
        return ok(request, { id: request.params.id, deleted: true });
      },
    );

    app.post(
      '/v1/endpoints/:id/pause',
      {
        schema: {
          tags: TAGS,
          summary: 'Pause deliveries; sends are still accepted and held',
          params: IdParams,
          response: {
            200: Envelope(Type.Object({ id: Type.String(), paused: Type.Boolean() })),
            ...COMMON_ERRORS,
            ...NOT_FOUND,
          },
        },
      },
      async (request) => {
        const id = await endpoints.pause(projectIdOf(request), request.params.id);
        return ok(request, { id, paused: true });
      },
    );

    app.post(
      '/v1/endpoints/:id/resume',
      {
        schema: {
          tags: TAGS,
          summary: 'Resume deliveries; held messages are released',
          params: IdParams,
          response: {
            200: Envelope(
              Type.Object({ id: Type.String(), paused: Type.Boolean(), messages_requeued: Type.Integer() }),
            ),
            ...COMMON_ERRORS,
            ...NOT_FOUND,
          },
        },
      },
      async (request) => {
        const { id, requeued } = await endpoints.resume(projectIdOf(request), request.params.id);
        return ok(request, { id, paused: false, messages_requeued: requeued });
      },
    );
  };
}
