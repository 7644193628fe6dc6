import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiResponse, call, type ErrorEnvelope } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

for (const kind of storeKinds()) {
  describe(`server basics [${kind}]`, () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer(kind, { HOOKBRIDGE_AUTH_FAILURE_LIMIT: '5' });
    });
    after(() => server.close());

    it('answers /healthz and /readyz without a key', async () => {
      const health = await call(server.url, 'GET', '/healthz');
      assert.equal(health.status, 200);
      assert.deepEqual(health.body.data, { status: 'ok' });
      assert.match(health.body.meta.request_id, /^req_/);
      const ready = await call(server.url, 'GET', '/readyz');
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body.data, { status: 'ready' });
    });

    it('answers a known path with a wrong method 405 with Allow, in the error envelope', async () => {
      for (const key of [null, server.apiKey]) {
        const response = await call(server.url, 'PUT', '/v1/api-keys', { key });
        assert.equal(response.status, 405, response.text);
        assert.equal(response.body.error.code, 'METHOD_NOT_ALLOWED');
        assert.equal(response.headers.get('allow'), 'GET, HEAD, POST');
        assert.match(
          response.body.error.message,
          /Method PUT is not allowed on \/v1\/api-keys; allowed: GET, HEAD, POST/,
        );
      }
      const withId = await call(server.url, 'POST', '/v1/messages/01a21c36-fd76-7471-b381-d22d8c015e71', {
        key: server.apiKey,
      });
      assert.equal(withId.status, 405);
      assert.match(String(withId.headers.get('allow')), /GET/);
    });

    it('answers unknown routes with a 404 envelope, with or without a key', async () => {
      for (const key of [null, server.apiKey]) {
        const response = await call(server.url, 'GET', '/v1/nothing-here?x=1', { key });
        assert.equal(response.status, 404);
        assert.equal(response.body.error.code, 'ROUTE_NOT_FOUND');
        assert.equal(response.body.error.message, 'Route GET /v1/nothing-here not found');
        assert.match(response.body.meta.request_id, /^req_/);
        assert.equal(response.headers.get('x-request-id'), response.body.meta.request_id);
      }
    });

    it('throttles repeated failed authentication from one client with 429 and Retry-After', async () => {
      const statuses: number[] = [];
      let last: ApiResponse<ErrorEnvelope> | undefined;
      for (let i = 0; i < 7; i++) {
        last = await call<ErrorEnvelope>(server.url, 'GET', '/v1/api-keys', {
          key: `hb_live_${'x'.repeat(32)}`,
        });
        statuses.push(last.status);
      }
      assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
      assert.equal(last!.body.error.code, 'RATE_LIMITED');
      const retryAfter = Number(last!.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
      // A blocked client is refused even with a valid key until the window ends.
      const valid = await call(server.url, 'GET', '/v1/api-keys', { key: server.apiKey });
      assert.equal(valid.status, 429);
    });
  });
}
