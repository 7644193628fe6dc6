import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { VERSION } from '../version.js';

export async function installOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'HookBridge API',
        version: VERSION,
        description: 'Self-hosted, wire-compatible implementation of the HookBridge webhook platform API.',
      },
      components: {
        securitySchemes: {
          ApiKeyAuth: { type: 'http', scheme: 'bearer', description: 'hb_live_… or hb_test_… API key' },
          ConsoleSession: {
            type: 'apiKey',
            in: 'cookie',
            name: 'hb_session',
            description: 'The web console session from POST /v1/console/session; send X-CSRF-Token on writes',
          },
        },
      },
      security: [{ ApiKeyAuth: [] }, { ConsoleSession: [] }],
    },
    // A route that asks no credentials (health, metrics, the ingest URL, the console login) says so, so a
    // generated client does not send the key there.
    transform: ({ schema, url, route }) => ({
      schema: route.config?.auth === 'none' ? { ...schema, security: [] } : schema,
      url,
    }),
  });
}

export function registerOpenApiRoute(app: FastifyInstance): void {
  app.get('/openapi.json', { config: { auth: 'none' }, schema: { hide: true } }, async () => app.swagger());
}
