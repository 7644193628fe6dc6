import { type Static, Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAdmin } from '../../http/auth.js';
import { AppError } from '../../errors.js';
import { COMMON_ERRORS, Envelope, ok, Timestamp } from '../../http/envelope.js';
import { toRfc3339 } from '../../lib/time.js';
import type { ProjectService } from './service.js';
import type { ProjectRow } from './store.js';

export const Project = Type.Object({
  id: Type.String({ format: 'uuid' }),
  tenant_id: Type.String(),
  name: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('deleted')]),
  rate_limit_default: Type.Integer({ description: 'API requests per minute' }),
  created_at: Timestamp,
});

export const CreateProjectBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 255 }),
  rate_limit_default: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
});
export const UpdateProjectBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  rate_limit_default: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
});
const IdParams = Type.Object({ id: Type.String() });
const NotFound = { 404: Type.Ref('ErrorEnvelope') };
const Forbidden = { 403: Type.Ref('ErrorEnvelope') };

function present(row: ProjectRow): Static<typeof Project> {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    name: row.name,
    status: row.status,
    rate_limit_default: row.rate_limit_default,
    created_at: toRfc3339(row.created_at)!,
  };
}

/** With an API key a caller sees only its own project; the admin token sees and manages all of them. */
export function projectRoutes({ projects }: { projects: ProjectService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    const config = { auth: 'key-or-admin' as const };

    app.get(
      '/v1/projects',
      {
        config,
        schema: { tags: ['Projects'], response: { 200: Envelope(Type.Array(Project)), ...COMMON_ERRORS } },
      },
      async (request) => {
        const principal = request.principal!;
        const rows =
          principal.kind === 'admin' && !principal.projectId
            ? await projects.list()
            : [await projects.get(principal.projectId!)];
        return ok(request, rows.map(present));
      },
    );

    app.post(
      '/v1/projects',
      {
        config,
        schema: {
          tags: ['Projects'],
          body: CreateProjectBody,
          response: { 201: Envelope(Project), ...COMMON_ERRORS, ...Forbidden },
        },
      },
      async (request, reply) => {
        requireAdmin(request);
        const row = await projects.create({
          name: request.body.name,
          rateLimitDefault: request.body.rate_limit_default,
        });
        return reply.code(201).send(ok(request, present(row)));
      },
    );

    app.get(
      '/v1/projects/:id',
      {
        config,
        schema: {
          tags: ['Projects'],
          params: IdParams,
          response: { 200: Envelope(Project), ...COMMON_ERRORS, ...NotFound },
        },
      },
      async (request) => {
        const principal = request.principal!;
        const visible =
          principal.kind === 'admin' && !principal.projectId
            ? true
            : principal.projectId === request.params.id;
        if (!visible) throw new AppError('NOT_FOUND', 'Project not found');
        return ok(request, present(await projects.get(request.params.id)));
      },
    );

    // PUT as the docs and the PHP SDK have it; PATCH as older releases of the Go SDK send it.
    app.route({
      method: ['PUT', 'PATCH'],
      url: '/v1/projects/:id',
      config,
      schema: {
        tags: ['Projects'],
        summary: 'Change a project (PUT, or PATCH: the same partial update)',
        params: IdParams,
        body: UpdateProjectBody,
        response: { 200: Envelope(Project), ...COMMON_ERRORS, ...Forbidden, ...NotFound },
      },
      handler: async (request) => {
        requireAdmin(request);
        const row = await projects.update(request.params.id, {
          name: request.body.name,
          rateLimitDefault: request.body.rate_limit_default,
        });
        return ok(request, present(row));
      },
    });

    app.delete(
      '/v1/projects/:id',
      {
        config,
        schema: {
          tags: ['Projects'],
          params: IdParams,
          response: {
            200: Envelope(Type.Object({ id: Type.String(), deleted: Type.Boolean() })),
            ...COMMON_ERRORS,
            ...Forbidden,
            ...NotFound,
          },
        },
      },
      async (request) => {
        requireAdmin(request);
        await projects.delete(request.params.id);
        return ok(request, { id: request.params.id, deleted: true });
      },
    );
  };
}
