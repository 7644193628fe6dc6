// Fastify: register the plugin in the webhook routes' own scope; there bodies stay raw Buffers and every
// route verifies before its handler runs.
import Fastify from 'fastify';
import { fastifyWebhook, type VerifiedWebhook } from '@hookbridge/sdk/webhooks';

export function fastifyApp(secret: string, onWebhook: (webhook: VerifiedWebhook) => void) {
  const app = Fastify();
  app.register(async (scope) => {
    await scope.register(fastifyWebhook, { secret });
    scope.post('/webhooks', async (request) => {
      onWebhook((request as unknown as { webhook: VerifiedWebhook }).webhook);
      return { received: true };
    });
  });
  return app;
}
