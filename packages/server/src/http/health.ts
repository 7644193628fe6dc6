import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../services.js';
import { Envelope, ok } from './envelope.js';
import { AppError } from './errors.js';

// In the same {data, meta} envelope as every other answer.
const Status = Envelope(Type.Object({ status: Type.String() }));

export function healthRoutes(services: Services): FastifyPluginAsyncTypebox {
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
          await services.db.query('SELECT 1');
        } catch {
          throw new AppError('SERVICE_UNAVAILABLE', 'The store is not reachable');
        }
        return ok(request, { status: 'ready' });
      },
    );
  };
}
