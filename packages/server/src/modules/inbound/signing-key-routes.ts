import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../http/envelope.js';
import { toRfc3339 } from '../../lib/time.js';
import type { Services } from '../../services.js';
import { CreatedSigningKey, ErrorRef, IdParams, KeyParams, presentKey, SigningKey, TAGS } from './schemas.js';

const ERRORS = { ...COMMON_ERRORS, 404: ErrorRef };

/** Keys that sign forwarded deliveries when the endpoint has `signing_enabled`; managed like outbound keys. */
export function inboundSigningKeyRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { inbound } = services;
  return async (app) => {
    app.post(
      '/v1/inbound-endpoints/:id/signing-keys',
      {
        schema: {
          tags: TAGS,
          summary: 'Add a signing key (at most 2 active; the secret is returned once)',
          params: IdParams,
          response: { 201: Envelope(CreatedSigningKey), ...ERRORS, 409: ErrorRef },
        },
      },
      async (request, reply) => {
        const { row, secret } = await inbound.createSigningKey(projectIdOf(request), request.params.id);
        return reply.code(201).send(
          ok(request, {
            id: row.id,
            signing_secret: secret,
            key_hint: row.key_hint,
            created_at: toRfc3339(row.created_at)!,
          }),
        );
      },
    );

    app.get(
      '/v1/inbound-endpoints/:id/signing-keys',
      {
        schema: {
          tags: TAGS,
          summary: "List an inbound endpoint's active signing keys (hints only)",
          params: IdParams,
          response: { 200: Envelope(Type.Array(SigningKey)), ...ERRORS },
        },
      },
      async (request) => {
        const rows = await inbound.listSigningKeys(projectIdOf(request), request.params.id);
        return ok(request, rows.map(presentKey));
      },
    );

    app.delete(
      '/v1/inbound-endpoints/:id/signing-keys/:key_id',
      {
        schema: {
          tags: TAGS,
          summary: 'Delete a signing key; the last active key cannot be deleted',
          params: KeyParams,
          response: {
            200: Envelope(Type.Object({ id: Type.String(), deleted: Type.Boolean() })),
            ...ERRORS,
            409: ErrorRef,
          },
        },
      },
      async (request) => {
        const { id, key_id } = request.params;
        await inbound.deleteSigningKey(projectIdOf(request), id, key_id);
        return ok(request, { id: key_id, deleted: true });
      },
    );
  };
}
