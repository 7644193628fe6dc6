import { type Static, Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../http/auth.js';
import { COMMON_ERRORS, Envelope, NullableTimestamp, ok, Timestamp } from '../../http/envelope.js';
import { toRfc3339 } from '../../lib/time.js';
import type { ApiKeyService } from './service.js';
import type { ApiKeyRow } from './store.js';

export const CreateApiKeyBody = Type.Object({
  label: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
  mode: Type.Optional(Type.Union([Type.Literal('live'), Type.Literal('test')])),
});
export type CreateApiKeyRequest = Static<typeof CreateApiKeyBody>;

export const CreatedApiKey = Type.Object({
  key_id: Type.String(),
  key: Type.String({ description: 'The full key. Shown only in this response.' }),
  prefix: Type.String(),
  label: Type.Union([Type.String(), Type.Null()]),
  created_at: Timestamp,
});
export type CreateApiKeyResponse = Static<typeof CreatedApiKey>;

export const ApiKeySummary = Type.Object({
  key_id: Type.String(),
  label: Type.Union([Type.String(), Type.Null()]),
  prefix: Type.String(),
  created_at: Timestamp,
  last_used_at: NullableTimestamp,
});

const KeyIdParams = Type.Object({ key_id: Type.String() });

function summary(row: ApiKeyRow): Static<typeof ApiKeySummary> {
  return {
    key_id: row.id,
    label: row.label,
    prefix: row.prefix,
    created_at: toRfc3339(row.created_at)!,
    last_used_at: toRfc3339(row.last_used_at),
  };
}

export function apiKeyRoutes({ apiKeys }: { apiKeys: ApiKeyService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/v1/api-keys',
      {
        schema: {
          tags: ['API keys'],
          summary: 'Create an API key (the plaintext is returned once)',
          body: CreateApiKeyBody,
          response: { 201: Envelope(CreatedApiKey), ...COMMON_ERRORS, 403: Type.Ref('ErrorEnvelope') },
        },
      },
      async (request, reply) => {
        const mode = request.body.mode ?? request.principal!.mode;
        const { row, key } = await apiKeys.create(projectIdOf(request), {
          label: request.body.label,
          mode,
        });
        return reply.code(201).send(
          ok(request, {
            key_id: row.id,
            key,
            prefix: row.prefix,
            label: row.label,
            created_at: toRfc3339(row.created_at)!,
          }),
        );
      },
    );

    app.get(
      '/v1/api-keys',
      {
        schema: {
          tags: ['API keys'],
          summary: "List the project's API keys (never the key values)",
          response: { 200: Envelope(Type.Array(ApiKeySummary)), ...COMMON_ERRORS },
        },
      },
      async (request) => ok(request, (await apiKeys.list(projectIdOf(request))).map(summary)),
    );

    app.delete(
      '/v1/api-keys/:key_id',
      {
        schema: {
          tags: ['API keys'],
          summary: 'Delete an API key; it stops authenticating at once',
          params: KeyIdParams,
          response: {
            200: Envelope(Type.Object({ key_id: Type.String(), deleted: Type.Boolean() })),
            ...COMMON_ERRORS,
            404: Type.Ref('ErrorEnvelope'),
            409: Type.Ref('ErrorEnvelope'),
          },
        },
      },
      async (request) => {
        await apiKeys.delete(projectIdOf(request), request.params.key_id);
        return ok(request, { key_id: request.params.key_id, deleted: true });
      },
    );
  };
}
