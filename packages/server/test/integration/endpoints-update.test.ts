import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { call, type Api } from '../helpers/http.js';
import { createProjectWithKey } from '../helpers/security.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

/** A public address as a literal: there is no DNS for public names in the test environment. */
const freshUrl = () => `https://93.184.215.14/hook/${randomUUID()}`;

async function createEndpoint(server: TestServer, key: string, body: Record<string, unknown> = {}) {
  const created = await call(server.url, 'POST', '/v1/endpoints', {
    key,
    body: { url: freshUrl(), ...body },
  });
  assert.equal(created.status, 201, created.text);
  return created.body.data as { id: string; url: string };
}

for (const kind of storeKinds()) {
  describe(`PATCH /v1/endpoints/{id} and URL uniqueness [${kind}]`, () => {
    let server: TestServer;
    let api: Api;

    before(async () => {
      ({ server, api } = await startWithClient(kind));
    });
    after(() => server.close());

    it('PATCH changes only the fields sent and answers the full endpoint plus updated: true', async () => {
      const { id, url } = await createEndpoint(server, server.apiKey, {
        description: 'before',
        rate_limit_rps: 5,
        burst: 9,
        headers: { 'X-A': '1' },
      });
      const patched = await api('PATCH', `/v1/endpoints/${id}`, { body: { description: 'after' } });
      assert.equal(patched.status, 200, patched.text);
      const data = patched.body.data;
      assert.equal(data.updated, true);
      assert.deepEqual(
        { ...data, created_at: undefined, updated_at: undefined },
        {
          id,
          url,
          description: 'after',
          rate_limit_rps: 5,
          burst: 9,
          headers: { 'X-A': '1' },
          hmac_enabled: true,
          paused: false,
          updated: true,
          created_at: undefined,
          updated_at: undefined,
        },
      );
      assert.ok(data.updated_at >= data.created_at);

      const newUrl = freshUrl();
      const second = await api('PATCH', `/v1/endpoints/${id}`, {
        body: { url: newUrl, headers: { 'X-B': '2' }, hmac_enabled: false, description: null },
      });
      assert.equal(second.status, 200, second.text);
      const got = (await api('GET', `/v1/endpoints/${id}`)).body.data;
      assert.equal(got.url, newUrl);
      assert.deepEqual(got.headers, { 'X-B': '2' }, 'headers are replaced, not merged');
      assert.equal(got.hmac_enabled, false);
      assert.equal(got.description, null);
      assert.deepEqual([got.rate_limit_rps, got.burst], [5, 9]);

      const empty = await api('PATCH', `/v1/endpoints/${id}`, { body: {} });
      assert.equal(empty.status, 200, empty.text);
      assert.equal(empty.body.data.url, newUrl);

      const cleared = await api('PATCH', `/v1/endpoints/${id}`, { body: { headers: null } });
      assert.deepEqual(cleared.body.data.headers, {});

      // A rate limit with burst 0 bursts at the rate, on PATCH as on create.
      const rate = await api('PATCH', `/v1/endpoints/${id}`, { body: { rate_limit_rps: 40, burst: 0 } });
      assert.deepEqual([rate.body.data.rate_limit_rps, rate.body.data.burst], [40, 40]);
    });

    it('PATCH re-checks the URL: shape, address and DUPLICATE_URL', async () => {
      const a = await createEndpoint(server, server.apiKey);
      const b = await createEndpoint(server, server.apiKey);
      const cases: Array<[unknown, number, string]> = [
        ['http://93.184.215.14/x', 400, 'INVALID_ENDPOINT'],
        ['https://127.0.0.1/hook', 400, 'ENDPOINT_BLOCKED'],
        ['https://does-not-exist.invalid/x', 400, 'ENDPOINT_UNREACHABLE'],
        [a.url, 409, 'DUPLICATE_URL'],
      ];
      for (const [url, status, code] of cases) {
        const response = await api('PATCH', `/v1/endpoints/${b.id}`, { body: { url } });
        assert.equal(response.status, status, response.text);
        assert.equal(response.body.error.code, code);
      }
      assert.equal((await api('GET', `/v1/endpoints/${b.id}`)).body.data.url, b.url, 'unchanged');
      const same = await api('PATCH', `/v1/endpoints/${b.id}`, { body: { url: b.url } });
      assert.equal(same.status, 200, 'its own URL is no duplicate');
    });

    it('refuses a duplicate URL in the project with 409, and allows it after delete or elsewhere', async () => {
      const url = freshUrl();
      const first = await api('POST', '/v1/endpoints', { body: { url } });
      assert.equal(first.status, 201);
      const second = await api('POST', '/v1/endpoints', { body: { url } });
      assert.equal(second.status, 409, second.text);
      assert.equal(second.body.error.code, 'DUPLICATE_URL');
      const other = await createProjectWithKey(server, 'dup-elsewhere');
      const elsewhere = await call(server.url, 'POST', '/v1/endpoints', { key: other.apiKey, body: { url } });
      assert.equal(elsewhere.status, 201, 'URLs are unique per project only');
      assert.equal((await api('DELETE', `/v1/endpoints/${first.body.data.id}`)).status, 200);
      const again = await api('POST', '/v1/endpoints', { body: { url } });
      assert.equal(again.status, 201, again.text);
    });

    it('lets exactly one of several concurrent creates with the same URL win', async () => {
      const url = freshUrl();
      const results = await Promise.all(
        Array.from({ length: 5 }, () => api('POST', '/v1/endpoints', { body: { url } })),
      );
      assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409, 409, 409]);
      for (const r of results.filter((r) => r.status === 409))
        assert.equal(r.body.error.code, 'DUPLICATE_URL');
    });
  });
}
