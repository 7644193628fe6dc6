import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.js';
import { inboundLogRoutes } from './logs/routes.js';
import { inboundMetricsRoutes } from './metrics/routes.js';
import { inboundRejectionRoutes } from './rejections/routes.js';
import { inboundMessageRoutes } from './messages/routes.js';

/** What a project reads and replays of its inbound traffic: messages, logs, metrics and rejections. */
export function inboundReadRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(inboundMessageRoutes(services));
    await app.register(inboundLogRoutes(services));
    await app.register(inboundMetricsRoutes(services));
    await app.register(inboundRejectionRoutes(services));
  };
}
