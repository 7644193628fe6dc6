import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { projectIdOf } from '../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../http/envelope.js';
import { toRfc3339 } from '../../lib/time.js';
import type { Services } from '../../services.js';
import {
  CreatedSigningKey,
  ErrorRef,
  IdParams,
  KeyParams,
  presentSigningKey,
  SigningKey,
  TAGS,
} from './schemas.js';

const NOT_FOUND = { 404: ErrorRef };

export function signingKeyRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { endpoints } = services;

  async function create(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) {
    const { row, secret } = await endpoints.createSigningKey(projectIdOf(request), request.params.id);
    return reply.code(201).send(
      ok(request, {
        id: row.id,
        signing_secret: secret,
        key_hint: row.key_hint,
        created_at: toRfc3339(row.created_at)!,
      }),
    );
  }
  const createSchema = (summary: string) => ({
    tags: TAGS,
    summary,
    params: IdParams,
    response: { 201: Envelope(CreatedSigningKey), ...COMMON_ERRORS, ...NOT_FOUND, 409: ErrorRef },
  });

  return async (app) => {
    app.post(
      '/v1/endpoints/:id/signing-keys',
      { schema: createSchema('Add a signing key (at most 2 active; the secret is returned once)') },
      create,
    );

    app.post(
      '/v1/endpoints/:id/rotate-secret',
      { schema: createSchema('Legacy alias of adding a signing key') },
      create,
    );

    app.get(
      '/v1/endpoints/:id/signing-keys',
      {
        schema: {
          tags: TAGS,
          summary: "List an endpoint's active signing keys (hints only, never secrets)",
          params: IdParams,
          response: { 200: Envelope(Type.Array(SigningKey)), ...COMMON_ERRORS, ...NOT_FOUND },
        },
      },
      async (request) => {
        const rows = await endpoints.listSigningKeys(projectIdOf(request), request.params.id);
        return ok(request, rows.map(presentSigningKey));
      },
    );

    app.delete(
      '/v1/endpoints/:id/signing-keys/:key_id',
      {
        schema: {
          tags: TAGS,
          summary: 'Delete a signing key; the last active key cannot be deleted',
          params: KeyParams,
          response: {
            200: Envelope(Type.Object({ id: Type.String(), deleted: Type.Boolean() })),
            ...COMMON_ERRORS,
            ...NOT_FOUND,
            409: ErrorRef,
          },
        },
      },
      async (request) => {
        await endpoints.deleteSigningKey(projectIdOf(request), request.params.id, request.params.key_id);
        return ok(request, { id: request.params.key_id, deleted: true });
      },
    );
  };
}
