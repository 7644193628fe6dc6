import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { call, type Api } from '../helpers/http.js';
import { createProjectWithKey } from '../helpers/security.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const EP_ID = /^ep_[a-f0-9]{32}$/;
/** A public address as a literal: there is no DNS for public names in the test environment. */
const freshUrl = () => `https://93.184.215.14/hook/${randomUUID()}`;
const UNKNOWN_ID = `ep_${'a'.repeat(32)}`;

async function createEndpoint(server: TestServer, key: string, body: Record<string, unknown> = {}) {
  const created = await call(server.url, 'POST', '/v1/endpoints', {
    key,
    body: { url: freshUrl(), ...body },
  });
  assert.equal(created.status, 201, created.text);
  return created.body.data as { id: string; url: string; signing_key_id: string; signing_secret: string };
}

for (const kind of storeKinds()) {
  describe(`/v1/endpoints [${kind}]`, () => {
    let server: TestServer;
    let api: Api;

    before(async () => {
      ({ server, api } = await startWithClient(kind));
    });
    after(() => server.close());

    it('creates an endpoint with its first signing key, shown once', async () => {
      const url = freshUrl();
      const response = await api('POST', '/v1/endpoints', { body: { url } });
      assert.equal(response.status, 201, response.text);
      const { data, meta } = response.body;
      assert.deepEqual(Object.keys(data).sort(), [
        'created_at',
        'description',
        'id',
        'key_hint',
        'signing_key_id',
        'signing_secret',
        'url',
      ]);
      assert.match(data.id, EP_ID);
      assert.match(data.signing_key_id, /^sk_[a-f0-9]{32}$/);
      assert.match(data.signing_secret, /^whsec_[A-Za-z0-9]{32}$/);
      assert.equal(data.key_hint, data.signing_secret.slice(-4));
      assert.equal(data.url, url);
      assert.equal(data.description, null);
      assert.match(data.created_at, RFC3339_UTC);
      assert.match(meta.request_id, /^req_/);

      const got = await api('GET', `/v1/endpoints/${data.id}`);
      assert.equal(got.status, 200, got.text);
      assert.deepEqual(got.body.data, {
        id: data.id,
        url,
        description: null,
        rate_limit_rps: 0,
        burst: 0,
        headers: {},
        hmac_enabled: true,
        paused: false,
        created_at: data.created_at,
        updated_at: got.body.data.updated_at,
      });
      assert.match(got.body.data.updated_at, RFC3339_UTC);
      assert.ok(!got.text.includes(data.signing_secret), 'GET never shows the secret');
      assert.ok(!got.text.includes('whsec_'));
    });

    it('stores every optional field, and a rate limit without a burst bursts at the rate', async () => {
      const body = {
        description: 'orders',
        rate_limit_rps: 25,
        headers: { 'X-Tenant': 'acme', 'X-Empty': '' },
        hmac_enabled: false,
      };
      const { id } = await createEndpoint(server, server.apiKey, body);
      const got = (await api('GET', `/v1/endpoints/${id}`)).body.data;
      assert.equal(got.description, 'orders');
      assert.equal(got.rate_limit_rps, 25);
      assert.equal(got.burst, 25);
      assert.deepEqual(got.headers, body.headers);
      assert.equal(got.hmac_enabled, false);

      const explicit = await createEndpoint(server, server.apiKey, { rate_limit_rps: 10, burst: 3 });
      assert.equal((await api('GET', `/v1/endpoints/${explicit.id}`)).body.data.burst, 3);
      const zero = await createEndpoint(server, server.apiKey, { rate_limit_rps: 0, burst: 0 });
      const zeroRow = (await api('GET', `/v1/endpoints/${zero.id}`)).body.data;
      assert.deepEqual([zeroRow.rate_limit_rps, zeroRow.burst], [0, 0]);
      const nulls = await createEndpoint(server, server.apiKey, { description: null, headers: null });
      assert.deepEqual((await api('GET', `/v1/endpoints/${nulls.id}`)).body.data.headers, {});
    });

    it('pages through the list with an opaque cursor: no duplicates, no skips, null at the end', async () => {
      const own = await createProjectWithKey(server, 'paging');
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await createEndpoint(server, own.apiKey)).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      const pages: number[] = [];
      do {
        const query: string = cursor ? `?limit=3&cursor=${encodeURIComponent(cursor)}` : '?limit=3';
        const page = await call(server.url, 'GET', `/v1/endpoints${query}`, { key: own.apiKey });
        assert.equal(page.status, 200, page.text);
        assert.equal(page.body.meta.has_more, page.body.meta.next_cursor !== null);
        for (const row of page.body.data) {
          assert.deepEqual(Object.keys(row).sort(), ['created_at', 'description', 'id', 'paused', 'url']);
        }
        pages.push(page.body.data.length);
        seen.push(...page.body.data.map((row: { id: string }) => row.id));
        cursor = page.body.meta.next_cursor;
      } while (cursor);
      assert.deepEqual(pages, [3, 3, 1]);
      assert.deepEqual(seen, ids, 'oldest first, each once');

      const all = await call(server.url, 'GET', '/v1/endpoints', { key: own.apiKey });
      assert.equal(all.body.data.length, 7, 'default limit is 50');
      assert.equal(all.body.meta.next_cursor, null);
      assert.equal(all.body.meta.has_more, false);

      const exact = await call(server.url, 'GET', '/v1/endpoints?limit=7', { key: own.apiKey });
      assert.equal(exact.body.meta.next_cursor, null, 'a full last page has no next page');

      await call(server.url, 'DELETE', `/v1/endpoints/${ids[3]}`, { key: own.apiKey });
      const afterDelete = await call(server.url, 'GET', '/v1/endpoints?limit=100', { key: own.apiKey });
      assert.deepEqual(
        afterDelete.body.data.map((row: { id: string }) => row.id),
        ids.filter((_, i) => i !== 3),
      );
    });

    it('refuses a bad limit or a malformed cursor with 400 INVALID_REQUEST', async () => {
      const bad = [
        'limit=0',
        'limit=101',
        'limit=abc',
        'limit=1.5',
        'cursor=not*base64',
        `cursor=${Buffer.from('ep_x').toString('base64url')}`,
        `cursor=${Buffer.from('msg_123').toString('base64url')}`,
      ];
      for (const query of bad) {
        const response = await api('GET', `/v1/endpoints?${query}`);
        assert.equal(response.status, 400, `${query}: ${response.text}`);
        assert.equal(response.body.error.code, 'INVALID_REQUEST');
      }
      assert.equal((await api('GET', '/v1/endpoints?limit=100')).status, 200);
      assert.equal((await api('GET', '/v1/endpoints?limit=1')).status, 200);
    });

    it('soft-deletes: DELETE answers {id, deleted}, then every route answers 404', async () => {
      const { id } = await createEndpoint(server, server.apiKey);
      const removed = await api('DELETE', `/v1/endpoints/${id}`);
      assert.equal(removed.status, 200, removed.text);
      assert.deepEqual(removed.body.data, { id, deleted: true });
      for (const [method, path, body] of endpointRoutes(id)) {
        const response = await api(method, path, body === undefined ? {} : { body });
        assert.equal(response.status, 404, `${method} ${path}: ${response.text}`);
        assert.equal(response.body.error.code, 'ENDPOINT_NOT_FOUND');
      }
      const list = await api('GET', '/v1/endpoints?limit=100');
      assert.ok(!list.body.data.some((row: { id: string }) => row.id === id));
    });

    it('answers 400 for an id without ep_ and 404 ENDPOINT_NOT_FOUND for any other unknown id', async () => {
      for (const [method, path, body] of endpointRoutes('not-an-endpoint')) {
        const response = await api(method, path, body === undefined ? {} : { body });
        assert.equal(response.status, 400, `${method} ${path}: ${response.text}`);
        assert.equal(response.body.error.code, 'INVALID_REQUEST');
        assert.match(response.body.error.message, /endpoint_id must be in format ep_xxx/);
      }
      for (const id of ['ep_nonexistent_12345', UNKNOWN_ID, `ep_${'A'.repeat(32)}`, 'ep_']) {
        for (const [method, path, body] of endpointRoutes(id)) {
          const response = await api(method, path, body === undefined ? {} : { body });
          assert.equal(response.status, 404, `${method} ${path}: ${response.text}`);
          assert.equal(response.body.error.code, 'ENDPOINT_NOT_FOUND');
          assert.equal(response.body.error.message, 'Endpoint not found');
        }
      }
    });

    it('rejects malformed bodies with 400 and never a 500', async () => {
      const cases: Array<[unknown, RegExp]> = [
        [{}, /url is required/],
        [{ url: freshUrl(), description: 'x'.repeat(501) }, /description must be at most 500 characters/],
        [{ url: freshUrl(), description: 5 }, /description/],
        [{ url: freshUrl(), rate_limit_rps: 1001 }, /rate_limit_rps/],
        [{ url: freshUrl(), rate_limit_rps: -1 }, /rate_limit_rps/],
        [{ url: freshUrl(), rate_limit_rps: 1.5 }, /rate_limit_rps/],
        [{ url: freshUrl(), rate_limit_rps: '5' }, /rate_limit_rps/],
        [{ url: freshUrl(), burst: 10001 }, /burst/],
        [{ url: freshUrl(), hmac_enabled: 'yes' }, /hmac_enabled/],
        [['x'], /JSON object/],
      ];
      for (const [body, message] of cases) {
        const response = await api('POST', '/v1/endpoints', { body });
        assert.equal(response.status, 400, `${JSON.stringify(body)}: ${response.text}`);
        assert.equal(response.body.error.code, 'INVALID_REQUEST');
        assert.match(response.body.error.message, message);
      }
      const { id } = await createEndpoint(server, server.apiKey);
      const patch = await api('PATCH', `/v1/endpoints/${id}`, { body: { burst: -5 } });
      assert.equal(patch.status, 400);
      assert.equal(patch.body.error.code, 'INVALID_REQUEST');
      const ok = await api('POST', '/v1/endpoints', {
        body: { url: freshUrl(), rate_limit_rps: 1000, burst: 10000 },
      });
      assert.equal(ok.status, 201, 'the upper bounds are allowed');
    });

    it('documents every route in /openapi.json under the Endpoints tag', async () => {
      const doc = (await call(server.url, 'GET', '/openapi.json')).body;
      for (const path of [
        '/v1/endpoints',
        '/v1/endpoints/{id}',
        '/v1/endpoints/{id}/pause',
        '/v1/endpoints/{id}/resume',
        '/v1/endpoints/{id}/signing-keys',
        '/v1/endpoints/{id}/signing-keys/{key_id}',
        '/v1/endpoints/{id}/rotate-secret',
      ]) {
        assert.ok(doc.paths[path], `${path} is documented`);
        for (const operation of Object.values(doc.paths[path]) as Array<{ tags: string[] }>) {
          assert.deepEqual(operation.tags, ['Endpoints']);
        }
      }
    });
  });
}

/** Every route that names one endpoint, with a body where it takes one. */
function endpointRoutes(id: string): Array<[string, string, unknown?]> {
  return [
    ['GET', `/v1/endpoints/${id}`],
    ['PATCH', `/v1/endpoints/${id}`, { description: 'x' }],
    ['DELETE', `/v1/endpoints/${id}`],
    ['POST', `/v1/endpoints/${id}/pause`],
    ['POST', `/v1/endpoints/${id}/resume`],
    ['GET', `/v1/endpoints/${id}/signing-keys`],
    ['POST', `/v1/endpoints/${id}/signing-keys`],
    ['POST', `/v1/endpoints/${id}/rotate-secret`],
    ['DELETE', `/v1/endpoints/${id}/signing-keys/sk_${'c'.repeat(32)}`],
  ];
}
