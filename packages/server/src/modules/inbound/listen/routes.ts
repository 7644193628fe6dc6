import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../../services.js';
import { StreamHub } from './hub.js';
import { listenPollRoutes } from './poll-routes.js';
import { listenSocketRoutes } from './socket-routes.js';

/** Streaming inbound messages to the hb CLI: the WebSocket and the long-poll fallback share one hub. */
export function streamRoutes(services: Services): FastifyPluginAsync {
  return async (app) => {
    const hub = new StreamHub(services.db, services.log.child({ component: 'stream-hub' }));
    // Before the server waits for open requests to finish: held long-polls answer at once.
    app.addHook('preClose', async () => {
      await hub.close();
    });
    await app.register(listenPollRoutes(services, hub, services.config.listenHoldMs));
    await app.register(listenSocketRoutes(services, hub, services.config.streamPingMs));
  };
}
