import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Queryable } from '../store/db.js';
import { Envelope, ok } from './envelope.js';
import { AppError } from '../errors.js';

// In the same {data, meta} envelope as every other answer.
const Status = Envelope(Type.Object({ status: Type.String() }));

/** `/readyz` asks the store itself: a readiness probe is exactly a round trip to it. */
export function healthRoutes({ db }: { db: Queryable }): FastifyPluginAsyncTypebox {
  return async (app) => {
    const config = { auth: 'none' as const };
    app.get(
      '/healthz',
      {
        config,
        schema: { tags: ['Operations'], summary: 'The process is alive', response: { 200: Status } },
      },
      async (request) => ok(request, { status: 'ok' }),
    );
    app.get(
      '/readyz',
      {
        config,
        schema: {
          tags: ['Operations'],
          summary: 'The store is reachable',
          response: { 200: Status, 503: Type.Ref('ErrorEnvelope') },
        },
      },
      async (request) => {
        try {
          await db.query('SELECT 1');
        } catch {
          throw new AppError('SERVICE_UNAVAILABLE', 'The store is not reachable');
        }
        return ok(request, { status: 'ready' });
      },
    );
  };
}
