import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../errors.js';
import { safeEqual } from '../lib/crypto.js';
import type { Config } from '../config.js';
import type { Telemetry } from './telemetry.js';

const SEND_ROUTE = '/v1/webhooks/send';

/**
 * Times every response by route pattern (never the raw URL, which would make a series per id) and
 * counts send acceptance. Added on the root instance so it sees every route.
 */
export function installHttpMetrics(app: FastifyInstance, telemetry: Telemetry): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    telemetry.recordHttp(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    if (route === SEND_ROUTE && request.method === 'POST') telemetry.recordSend(reply.statusCode === 202);
    done();
  });
}

/** `GET /metrics` in the Prometheus text format; behind a bearer token when HOOKBRIDGE_METRICS_TOKEN is set. */
export function prometheusRoutes(deps: {
  telemetry: Telemetry;
  config: Pick<Config, 'metricsToken'>;
}): FastifyPluginAsyncTypebox {
  const { telemetry, config } = deps;
  return async (app) => {
    app.get(
      '/metrics',
      {
        config: { auth: 'none' },
        schema: {
          tags: ['Operations'],
          summary: 'Prometheus metrics of this process (bearer HOOKBRIDGE_METRICS_TOKEN when set)',
          response: { 200: Type.String(), 401: Type.Ref('ErrorEnvelope') },
        },
      },
      async (request, reply) => {
        if (config.metricsToken) {
          const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
          if (!match?.[1] || !safeEqual(match[1], config.metricsToken)) {
            throw new AppError('UNAUTHORIZED', 'Invalid or missing metrics token');
          }
        }
        const text = await telemetry.render();
        return reply.type(telemetry.registry.contentType).send(text);
      },
    );
  };
}
