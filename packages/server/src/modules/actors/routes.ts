import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { projectIdOf } from '../../http/auth.js';
import { COMMON_ERRORS, Envelope, ok } from '../../http/envelope.js';
import { AppError } from '../../errors.js';
import type { ActorQueries } from './queries.js';

/** Ids per parameter, comma-separated; more than this is a 400. */
const MAX_IDS = 100;

function splitIds(value: string | undefined, name: string): string[] {
  if (value === undefined) return [];
  const ids = [
    ...new Set(
      value
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  ];
  if (ids.length > MAX_IDS) throw new AppError('INVALID_REQUEST', `${name} lists at most ${MAX_IDS} ids`);
  return ids;
}

/**
 * Display names for the ids recorded on objects (deleted_by_api_key_id, …). API keys of the caller's
 * project resolve to their label and prefix; ids of deleted keys, unknown keys and other projects' keys
 * are simply absent. A self-hosted server has no user accounts, so `users` is always empty.
 */
export function actorRoutes({ actorQueries }: { actorQueries: ActorQueries }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/actors/lookup',
      {
        schema: {
          tags: ['Actors'],
          summary:
            'Resolve user and API key ids to display names; users resolve to nothing on a self-hosted server',
          querystring: Type.Object({
            user_id: Type.Optional(Type.String({ maxLength: 8192, description: 'comma-separated user ids' })),
            api_key_id: Type.Optional(
              Type.String({ maxLength: 8192, description: 'comma-separated API key ids (key_…)' }),
            ),
          }),
          response: {
            200: Envelope(
              Type.Object({
                users: Type.Record(Type.String(), Type.Object({ email: Type.String() })),
                api_keys: Type.Record(
                  Type.String(),
                  Type.Object({ label: Type.String(), prefix: Type.String() }),
                ),
              }),
            ),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) => {
        const userIds = splitIds(request.query.user_id, 'user_id');
        const keyIds = splitIds(request.query.api_key_id, 'api_key_id');
        if (userIds.length === 0 && keyIds.length === 0) {
          throw new AppError('INVALID_REQUEST', 'user_id or api_key_id is required');
        }
        const api_keys = await actorQueries.apiKeyNames(projectIdOf(request), keyIds);
        return ok(request, { users: {}, api_keys });
      },
    );
  };
}
