import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MAX_JSON_DEPTH } from '../../src/http/json-limits.js';
import { createEndpoint, hasStatus, send, waitForMessage } from '../helpers/delivery.js';
import { type Api, call } from '../helpers/http.js';
import { Receiver } from '../helpers/receiver.js';
import { ADMIN_TOKEN, startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

const NUL = 'a\u0000b';

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** Deep JSON as text: building it as objects and stringifying would overflow this process's stack. */
function nestedText(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

for (const kind of storeKinds()) {
  describe(`hostile input [${kind}]`, () => {
    let server: TestServer;
    let api: Api;
    let receiver: Receiver;

    before(async () => {
      receiver = await Receiver.start();
      ({ server, api } = await startWithClient(kind, { HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true' }));
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });

    it('refuses a NUL character in every text field with 400 INVALID_REQUEST naming the field', async () => {
      const endpoint = await createEndpoint(api, `${receiver.url}/nul`);
      const inbound = (await api('POST', '/v1/inbound-endpoints', { body: { mode: 'cli' } })).body.data;
      const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
      const cases: Array<[string, string, Record<string, unknown>, string, Record<string, string>?]> = [
        ['POST', '/v1/projects', { name: NUL }, 'name', admin],
        ['POST', '/v1/api-keys', { mode: 'live', label: NUL }, 'label'],
        ['POST', '/v1/endpoints', { url: `${receiver.url}/x`, description: NUL }, 'description'],
        ['PATCH', `/v1/endpoints/${endpoint.id}`, { description: NUL }, 'description'],
        ['POST', '/v1/inbound-endpoints', { mode: 'cli', name: NUL }, 'name'],
        ['POST', '/v1/inbound-endpoints', { mode: 'cli', description: NUL }, 'description'],
        ['POST', '/v1/inbound-endpoints', { mode: 'cli', token_query_param: NUL }, 'token_query_param'],
        ['PATCH', `/v1/inbound-endpoints/${inbound.id}`, { name: NUL }, 'name'],
        ['POST', '/v1/endpoints', { url: `${receiver.url}/y`, [`x${NUL}`]: 1 }, 'xa\\u0000b'],
      ];
      for (const [method, path, body, field, headers] of cases) {
        const response = await call(server.url, method, path, {
          key: headers ? null : server.apiKey,
          body,
          headers,
        });
        assert.equal(response.status, 400, `${method} ${path} ${field}: ${response.text}`);
        assert.equal(response.body.error.code, 'INVALID_REQUEST');
        assert.equal(response.body.error.message, `${field} must not contain NUL characters (\\u0000)`);
      }
    });

    it('accepts a NUL character inside a send payload (stored as bytes) and delivers it', async () => {
      const endpoint = await createEndpoint(api, `${receiver.url}/payload-nul`);
      const id = await send(api, endpoint.id, { text: NUL });
      await waitForMessage(api, id, hasStatus('succeeded'));
      const [delivered] = await receiver.waitFor(1, '/payload-nul');
      assert.deepEqual(JSON.parse(delivered!.body.toString()), { text: NUL });
    });

    it(`refuses JSON bodies nested deeper than ${MAX_JSON_DEPTH} levels with 400, on every route`, async () => {
      const endpoint = await createEndpoint(api, `${receiver.url}/deep`);
      for (const depth of [MAX_JSON_DEPTH, 5_000, 100_000]) {
        const response = await call(server.url, 'POST', '/v1/webhooks/send', {
          key: server.apiKey,
          rawBody: `{"endpoint_id":"${endpoint.id}","payload":${nestedText(depth)}}`,
          headers: { 'content-type': 'application/json' },
        });
        assert.equal(response.status, 400, response.text.slice(0, 200));
        assert.equal(response.body.error.code, 'INVALID_REQUEST');
        assert.equal(
          response.body.error.message,
          `Request body is nested more than ${MAX_JSON_DEPTH} levels deep`,
        );
      }
      const patch = await call(server.url, 'PATCH', `/v1/endpoints/${endpoint.id}`, {
        key: server.apiKey,
        rawBody: nestedText(10_000),
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(patch.status, 400, patch.text);
      // The deepest payload allowed: the body's own object is the first level.
      const id = await send(api, endpoint.id, nested(MAX_JSON_DEPTH - 1));
      await waitForMessage(api, id, hasStatus('succeeded'));
      // Brackets inside strings are text, not nesting.
      await send(api, endpoint.id, { text: '['.repeat(10_000) });
    });

    it('refuses offset=1e309, Infinity and other unusable numbers with 400', async () => {
      for (const value of ['1e309', 'Infinity', '1e400', '99999999999999999999']) {
        const response = await api('GET', `/v1/billing/usage-history?offset=${value}`);
        assert.equal(response.status, 400, `${value}: ${response.text}`);
        assert.equal(response.body.error.code, 'INVALID_REQUEST');
        assert.match(response.body.error.message, /^offset must be a finite number/);
      }
      const fine = await api('GET', '/v1/billing/usage-history?offset=1000000');
      assert.equal(fine.status, 200, fine.text);
      assert.deepEqual(fine.body.data, []);
    });

    it('refuses a NUL character in a query string or a path parameter with 400 naming it', async () => {
      const cases = [
        ['/v1/actors/lookup?api_key_id=a%00b', /^api_key_id must not contain NUL/],
        ['/v1/actors/lookup?user_id=u%00', /^user_id must not contain NUL/],
        ['/v1/logs?endpoint_id=ep_%00', /^endpoint_id must not contain NUL/],
        ['/v1/endpoints/ep_%00', /^id must not contain NUL/],
      ] as const;
      for (const [path, message] of cases) {
        const response = await api('GET', path);
        assert.equal(response.status, 400, `${path}: ${response.text}`);
        assert.equal(response.body.error.code, 'INVALID_REQUEST');
        assert.match(response.body.error.message, message, path);
      }
    });

    it('refuses hop-by-hop and transport headers at send with INVALID_HEADERS', async () => {
      const endpoint = await createEndpoint(api, `${receiver.url}/hop`);
      for (const name of [
        'Expect',
        'Connection',
        'TE',
        'Transfer-Encoding',
        'Set-Cookie',
        'X-Forwarded-For',
      ]) {
        const response = await api('POST', '/v1/webhooks/send', {
          body: { endpoint_id: endpoint.id, payload: {}, headers: { [name]: 'x' } },
        });
        assert.equal(response.status, 400, `${name}: ${response.text}`);
        assert.equal(response.body.error.code, 'INVALID_HEADERS');
        assert.ok(response.body.error.message.startsWith(`header '${name}' `), response.text);
      }
    });

    it('delivers to an endpoint saved with an Expect header before it was refused', async () => {
      const endpoint = await createEndpoint(api, `${receiver.url}/saved-expect`);
      await server.store.db.query(`UPDATE endpoints SET headers = $2::jsonb WHERE id = $1`, [
        endpoint.id,
        JSON.stringify({ Expect: '100-continue', 'X-Kept': randomUUID() }),
      ]);
      const id = await send(api, endpoint.id, { hello: 1 });
      const message = await waitForMessage(
        api,
        id,
        hasStatus('succeeded', 'pending_retry', 'failed_permanent'),
      );
      assert.equal(message.status, 'succeeded', JSON.stringify(message));
      const [delivered] = await receiver.waitFor(1, '/saved-expect');
      assert.equal(delivered!.headers.expect, undefined);
      assert.ok(delivered!.headers['x-kept']);
    });
  });
}
