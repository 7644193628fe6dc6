import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call } from '../helpers/http.js';
import { isHeadOfGet, type RouteLog, startWithRouteLog } from '../helpers/routes.js';
import type { TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

interface OpenApiOperation {
  tags?: string[];
  /** Absent: the document's own requirement (an API key or a console session) applies. */
  security?: Array<Record<string, string[]>>;
  responses?: Record<string, { content?: { 'application/json'?: { schema?: { $ref?: string } } } }>;
}

interface OpenApiDocument {
  openapi: string;
  security?: Array<Record<string, string[]>>;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, { title?: string; required?: string[] }> };
}

/**
 * The registered routes that /openapi.json leaves out, each with its reason (besides a HEAD beside a GET,
 * which the GET documents). Nothing else may be missing
 * from the document, and an entry that names no registered route (or a documented one) fails the test,
 * so the list cannot rot.
 */
const UNDOCUMENTED: Array<{ why: string; routes: string[] }> = [
  { why: 'the document itself', routes: ['GET /openapi.json'] },
  {
    why: 'providers may PUT or PATCH an ingest URL; it answers exactly as the documented POST',
    routes: ['PUT /v1/webhooks/receive/{id}/{token}', 'PATCH /v1/webhooks/receive/{id}/{token}'],
  },
  {
    why: 'the ingest URL answers the other methods itself (a recorded rejection), not as operations',
    routes: [
      'GET /v1/webhooks/receive/{id}/{token}',
      'DELETE /v1/webhooks/receive/{id}/{token}',
      'OPTIONS /v1/webhooks/receive/{id}/{token}',
      'GET /v1/webhooks/receive/{id}/{token}/{*}',
      'DELETE /v1/webhooks/receive/{id}/{token}/{*}',
      'OPTIONS /v1/webhooks/receive/{id}/{token}/{*}',
    ],
  },
  {
    why: 'the hb CLI appends /v1/listen to a stream URL that already ends so: the same socket as GET /v1/listen',
    routes: ['GET /v1/listen/v1/listen'],
  },
  {
    why: "the web console's pages and assets, not API operations",
    routes: ['GET /console', 'GET /console/{*}'],
  },
];

for (const kind of storeKinds()) {
  // The default configuration registers every route (the console is on unless HOOKBRIDGE_CONSOLE=false).
  describe(`registered routes and /openapi.json [${kind}]`, () => {
    let server: TestServer;
    let log: RouteLog;
    let doc: OpenApiDocument;
    let documented: Set<string>;

    before(async () => {
      ({ server, log } = await startWithRouteLog(kind));
      const response = await call<OpenApiDocument>(server.url, 'GET', '/openapi.json');
      assert.equal(response.status, 200, response.text);
      doc = response.body;
      documented = new Set(
        Object.entries(doc.paths).flatMap(([path, operations]) =>
          Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
        ),
      );
    });
    after(() => server.close());

    it('is an OpenAPI 3.1 document whose every error answer is the shared error envelope', () => {
      assert.equal(doc.openapi, '3.1.0');
      // @fastify/swagger names shared schemas def-N; the envelope keeps its $id as the title.
      const envelopes = Object.entries(doc.components.schemas).filter(([, s]) => s.title === 'ErrorEnvelope');
      assert.equal(envelopes.length, 1, 'one components schema titled ErrorEnvelope');
      const [name, envelope] = envelopes[0]!;
      assert.deepEqual(envelope.required, ['error', 'meta']);
      let errorAnswers = 0;
      for (const [path, operations] of Object.entries(doc.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          for (const [status, response] of Object.entries(operation.responses ?? {})) {
            if (!/^[45]/.test(status)) continue;
            errorAnswers++;
            assert.equal(
              response.content?.['application/json']?.schema?.$ref,
              `#/components/schemas/${name}`,
              `${method.toUpperCase()} ${path} answers ${status} with another schema`,
            );
          }
        }
      }
      assert.ok(errorAnswers > documented.size, 'most operations document several error answers');
    });

    it('documents every registered route but the listed exclusions, and nothing else', () => {
      const registered = new Set(log.routes.map((route) => route.key));
      assert.equal(registered.size, log.routes.length, 'no method of a route is registered twice');
      const excluded = new Map(UNDOCUMENTED.flatMap(({ why, routes }) => routes.map((key) => [key, why])));
      for (const route of log.routes) {
        if (documented.has(route.key) || isHeadOfGet(route, registered)) continue;
        assert.ok(excluded.has(route.key), `${route.key} is registered but missing from /openapi.json`);
        assert.ok(route.hidden, `${route.key} is listed as undocumented but not hidden from the document`);
      }
      for (const key of documented)
        assert.ok(registered.has(key), `/openapi.json documents ${key}, which no route registers`);
      for (const [key, why] of excluded) {
        assert.ok(
          registered.has(key),
          `${key} is listed as undocumented ("${why}") but no route registers it`,
        );
        assert.ok(!documented.has(key), `${key} is listed as undocumented ("${why}") but is documented`);
      }
      assert.ok(
        log.routes.some((route) => isHeadOfGet(route, registered) && !documented.has(route.key)),
        'no HEAD beside a GET any more: drop isHeadOfGet',
      );
    });

    it('asks no credentials of a public route and an API key of every other', () => {
      assert.deepEqual(doc.security, [{ ApiKeyAuth: [] }, { ConsoleSession: [] }]);
      const byKey = new Map(log.routes.map((route) => [route.key, route]));
      let publicRoutes = 0;
      for (const [path, operations] of Object.entries(doc.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          const key = `${method.toUpperCase()} ${path}`;
          const route = byKey.get(key);
          assert.ok(route, `${key} is documented but not registered`);
          if (route.auth === 'none') {
            publicRoutes++;
            assert.deepEqual(
              operation.security,
              [],
              `${key} needs no credentials but documents a requirement`,
            );
          } else {
            assert.equal(
              operation.security,
              undefined,
              `${key} overrides the document's API-key requirement`,
            );
          }
        }
      }
      assert.ok(
        publicRoutes >= 5,
        `only ${publicRoutes} public operations (health, metrics, ingest, console login…)`,
      );
    });

    it('gives every documented operation a tag and a success or error response', () => {
      for (const [path, operations] of Object.entries(doc.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          const key = `${method.toUpperCase()} ${path}`;
          assert.ok(operation.tags?.length, `${key} has no tag`);
          assert.ok(Object.keys(operation.responses ?? {}).length > 0, `${key} documents no response`);
        }
      }
    });
  });
}
