import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, type Api, client } from '../helpers/http.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

const KEY_SHAPE = /^hb_(live|test)_[a-z0-9]{32}$/;
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

for (const kind of storeKinds()) {
  describe(`/v1/api-keys [${kind}]`, () => {
    let server: TestServer;
    let api: Api;

    before(async () => {
      ({ server, api } = await startWithClient(kind, { HOOKBRIDGE_MAX_API_KEYS: '20' }));
    });
    after(() => server.close());

    it('creates a key shown once, with the documented shape', async () => {
      const response = await api('POST', '/v1/api-keys', { body: { label: 'ci' } });
      assert.equal(response.status, 201, response.text);
      const { data, meta } = response.body;
      assert.deepEqual(Object.keys(data).sort(), ['created_at', 'key', 'key_id', 'label', 'prefix']);
      assert.match(data.key, KEY_SHAPE);
      assert.ok(data.key.startsWith('hb_live_'), 'mode defaults to the calling key, which is live');
      assert.equal(data.prefix, data.key.slice(0, 11));
      assert.equal(data.label, 'ci');
      assert.match(data.created_at, RFC3339_UTC);
      assert.match(meta.request_id, /^req_/);
      assert.equal(response.headers.get('x-request-id'), meta.request_id);

      const list = await api('GET', '/v1/api-keys');
      const row = list.body.data.find((k: { key_id: string }) => k.key_id === data.key_id);
      assert.deepEqual(Object.keys(row).sort(), ['created_at', 'key_id', 'label', 'last_used_at', 'prefix']);
      assert.ok(!list.text.includes(data.key), 'the list never carries a key value');
    });

    it('creates a test key on request, and the new key works', async () => {
      const response = await api('POST', '/v1/api-keys', { body: { mode: 'test' } });
      assert.equal(response.status, 201);
      assert.ok(response.body.data.key.startsWith('hb_test_'));
      assert.equal(response.body.data.label, null);
      const withNewKey = await call(server.url, 'GET', '/v1/api-keys', { key: response.body.data.key });
      assert.equal(withNewKey.status, 200);
      // A test key creates test keys by default.
      const child = await call(server.url, 'POST', '/v1/api-keys', { key: response.body.data.key, body: {} });
      assert.ok(child.body.data.key.startsWith('hb_test_'));
    });

    it('accepts a bodiless POST, as with an empty JSON body', async () => {
      const bare = await api('POST', '/v1/api-keys');
      assert.equal(bare.status, 201, bare.text);
      const emptyJson = await api('POST', '/v1/api-keys', {
        rawBody: '',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(emptyJson.status, 201, emptyJson.text);
    });

    it('records real use in last_used_at', async () => {
      const created = await api('POST', '/v1/api-keys', { body: { label: 'used' } });
      const before = (await api('GET', '/v1/api-keys')).body.data.find(
        (k: { key_id: string }) => k.key_id === created.body.data.key_id,
      );
      assert.equal(before.last_used_at, null);
      await call(server.url, 'GET', '/v1/api-keys', { key: created.body.data.key });
      // The write is fire-and-forget; give it a moment.
      let after = null;
      for (let i = 0; i < 50 && !after?.last_used_at; i++) {
        await new Promise((r) => setTimeout(r, 20));
        after = (await api('GET', '/v1/api-keys')).body.data.find(
          (k: { key_id: string }) => k.key_id === created.body.data.key_id,
        );
      }
      assert.match(after.last_used_at, RFC3339_UTC);
    });

    describe('rejects bad input with a 400 naming the field', () => {
      const cases: Array<
        [string, { body?: unknown; rawBody?: string; headers?: Record<string, string> }, RegExp]
      > = [
        [
          'a label over 255 characters',
          { body: { label: 'x'.repeat(256) } },
          /label must be at most 255 characters/,
        ],
        ['a label that is not a string', { body: { label: 42 } }, /label must be a string/],
        ['an unknown mode', { body: { mode: 'prod' } }, /mode/],
        [
          'malformed JSON',
          { rawBody: '{"label":', headers: { 'content-type': 'application/json' } },
          /not valid JSON/,
        ],
        ['a JSON array body', { body: ['x'] }, /request body must be a JSON object/],
        [
          'a wrong content type',
          { rawBody: 'label=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
          /Content-Type must be application\/json/,
        ],
      ];
      for (const [name, request, message] of cases) {
        it(name, async () => {
          const response = await api('POST', '/v1/api-keys', request);
          assert.equal(response.status, 400, response.text);
          assert.equal(response.body.error.code, 'INVALID_REQUEST');
          assert.match(response.body.error.message, message);
          assert.match(response.body.meta.request_id, /^req_/);
        });
      }
    });

    it('a label of exactly 255 characters is fine', async () => {
      const response = await api('POST', '/v1/api-keys', { body: { label: 'x'.repeat(255) } });
      assert.equal(response.status, 201);
    });

    it('a deleted key stops authenticating at once and leaves the list', async () => {
      const created = await api('POST', '/v1/api-keys', { body: { label: 'short-lived' } });
      const { key, key_id } = created.body.data;
      assert.equal((await call(server.url, 'GET', '/v1/api-keys', { key })).status, 200);
      const removed = await api('DELETE', `/v1/api-keys/${key_id}`);
      assert.equal(removed.status, 200, removed.text);
      assert.deepEqual(removed.body.data, { key_id, deleted: true });
      const denied = await call(server.url, 'GET', '/v1/api-keys', { key });
      assert.equal(denied.status, 401);
      assert.equal(denied.body.error.message, 'Invalid or missing API key');
      const list = await api('GET', '/v1/api-keys');
      assert.ok(!list.body.data.some((k: { key_id: string }) => k.key_id === key_id));
      const again = await api('DELETE', `/v1/api-keys/${key_id}`);
      assert.equal(again.status, 404);
      assert.equal(again.body.error.code, 'NOT_FOUND');
    });

    it('answers 404 for an unknown key id', async () => {
      for (const id of ['key_nonexistent_12345', `key_${'a'.repeat(32)}`, 'anything']) {
        const response = await api('DELETE', `/v1/api-keys/${id}`);
        assert.equal(response.status, 404, id);
        assert.equal(response.body.error.code, 'NOT_FOUND');
      }
    });

    it('enforces 20 keys per project with KEY_LIMIT_EXCEEDED, and refuses to delete the last key', async () => {
      const { createProjectWithKey } = await import('../helpers/security.js');
      const fresh = await createProjectWithKey(server, 'limits');
      const own = client(server.url, fresh.apiKey);
      // The project has 1 key; create 19 more, concurrently, then the 21st must fail.
      const results = await Promise.all(
        Array.from({ length: 19 }, () => own('POST', '/v1/api-keys', { body: {} })),
      );
      assert.deepEqual(
        results.map((r) => r.status),
        Array(19).fill(201),
      );
      const over = await own('POST', '/v1/api-keys', { body: {} });
      assert.equal(over.status, 403, over.text);
      assert.equal(over.body.error.code, 'KEY_LIMIT_EXCEEDED');
      assert.equal(over.body.error.message, 'Maximum of 20 API keys per project');

      const keys = (await own('GET', '/v1/api-keys')).body.data as Array<{ key_id: string; prefix: string }>;
      assert.equal(keys.length, 20);
      const mine = keys.find((k) => fresh.apiKey.startsWith(k.prefix))!;
      for (const k of keys)
        if (k.key_id !== mine.key_id)
          assert.equal((await own('DELETE', `/v1/api-keys/${k.key_id}`)).status, 200);
      const last = await own('DELETE', `/v1/api-keys/${mine.key_id}`);
      assert.equal(last.status, 409, last.text);
      assert.equal(last.body.error.code, 'LAST_API_KEY');
      assert.match(last.body.error.message, /last API key/);
    });
  });
}
