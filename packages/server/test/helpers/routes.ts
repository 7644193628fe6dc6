import diagnostics from 'node:diagnostics_channel';
import type { FastifyContextConfig, FastifyInstance, RouteOptions } from 'fastify';
import { startTestServer, type TestServer } from './server.js';
import type { StoreKind } from './stores.js';

export type AuthPolicy = NonNullable<FastifyContextConfig['auth']>;

/** One method of one route, as the app registered it. */
export interface RegisteredRoute {
  /** `GET /v1/endpoints/{id}`: the method and the path the way /openapi.json writes it. */
  key: string;
  method: string;
  path: string;
  auth: AuthPolicy;
  /** `schema.hide`: left out of /openapi.json on purpose. */
  hidden: boolean;
}

export interface RouteLog {
  /** Every route the app registered, one entry per method, in registration order. */
  readonly routes: RegisteredRoute[];
  /** The statuses the app answered on a route (by key), in order. */
  statusesOf(key: string): number[];
}

/** Fastify's `/a/:id/*` as OpenAPI's `/a/{id}/{*}` (@fastify/swagger's spelling). */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*/g, '{*}');
}

export function routeKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${openApiPath(url)}`;
}

/** A HEAD that answers as the GET on its path does (Fastify adds one beside every GET). */
export function isHeadOfGet(route: RegisteredRoute, registered: ReadonlySet<string>): boolean {
  return route.method === 'HEAD' && registered.has(`GET ${route.path}`);
}

/**
 * Fastify announces every instance it creates on the `fastify.initialization` diagnostics channel, before
 * any plugin or route is added: this is how the test sees the real app's routes (through an onRoute hook)
 * and which route answered each request, without a hand-kept list and without changing the app.
 */
function instrument(app: FastifyInstance, routes: RegisteredRoute[], statuses: Map<string, number[]>) {
  app.addHook('onRoute', (options: RouteOptions) => {
    const methods = Array.isArray(options.method) ? options.method : [options.method];
    for (const method of methods) {
      routes.push({
        key: routeKey(method, options.url),
        method: method.toUpperCase(),
        path: openApiPath(options.url),
        auth: options.config?.auth ?? 'key',
        hidden: options.schema?.hide === true,
      });
    }
  });
  app.addHook('onResponse', (request, reply, done) => {
    const url = request.routeOptions.url;
    if (url !== undefined) {
      const key = routeKey(request.method, url);
      statuses.set(key, [...(statuses.get(key) ?? []), reply.statusCode]);
    }
    done();
  });
}

/** startTestServer, and a log of the routes its app registered and how it answered on each. */
export async function startWithRouteLog(
  kind: StoreKind,
  env: Record<string, string> = {},
): Promise<{ server: TestServer; log: RouteLog }> {
  const seen = new Map<FastifyInstance, { routes: RegisteredRoute[]; statuses: Map<string, number[]> }>();
  const onInit = (message: unknown) => {
    const app = (message as { fastify: FastifyInstance }).fastify;
    const entry = { routes: [], statuses: new Map() };
    seen.set(app, entry);
    instrument(app, entry.routes, entry.statuses);
  };
  diagnostics.subscribe('fastify.initialization', onInit);
  let server: TestServer;
  try {
    server = await startTestServer(kind, env);
  } finally {
    diagnostics.unsubscribe('fastify.initialization', onInit);
  }
  const entry = server.server.app ? seen.get(server.server.app) : undefined;
  if (!entry || entry.routes.length === 0) {
    await server.close();
    throw new Error('the app was not announced on fastify.initialization: no routes were recorded');
  }
  return {
    server,
    log: {
      routes: entry.routes,
      statusesOf: (key) => entry.statuses.get(key) ?? [],
    },
  };
}
