import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services.js';
import { streamRoutes } from './listen/routes.js';
import { inboundEndpointRoutes } from './endpoints/routes.js';
import { ingestRoutes } from './ingest/routes.js';
import { inboundSigningKeyRoutes } from './endpoints/signing-key-routes.js';

/** Inbound webhooks: endpoint management, the public ingest URL, and streaming to the hb CLI. */
export function inboundRoutes(services: Services): FastifyPluginAsync {
  return async (app) => {
    await app.register(inboundEndpointRoutes(services));
    await app.register(inboundSigningKeyRoutes(services));
    await app.register(ingestRoutes(services));
    await app.register(streamRoutes(services));
  };
}
