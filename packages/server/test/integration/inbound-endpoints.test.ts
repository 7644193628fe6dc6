import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Api, client, type ResponseBody } from '../helpers/http.js';
import { createInbound } from '../helpers/inbound.js';
import { createProjectWithKey } from '../helpers/security.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const PUBLIC_URL = 'https://hooks.example.test';
const FORWARD_URL = 'https://93.184.215.14/inbound';
const UNKNOWN = '01935abc-def0-7123-8567-890abcdef012';

for (const kind of storeKinds()) {
  describe(`/v1/inbound-endpoints [${kind}]`, () => {
    let server: TestServer;
    let api: Api;

    before(async () => {
      ({ server, api } = await startWithClient(kind, { HOOKBRIDGE_PUBLIC_URL: PUBLIC_URL }));
    });
    after(() => server.close());

    it('creates a forward endpoint: secret token once, stored hashed, ingest_url from HOOKBRIDGE_PUBLIC_URL', async () => {
      const response = await api('POST', '/v1/inbound-endpoints', {
        body: {
          name: 'Stripe',
          url: FORWARD_URL,
          token_value: 'tok',
          verify_static_token: true,
          token_header_name: 'X-Token',
          hmac_secret: 'hm',
          verify_hmac: true,
          hmac_header_name: 'X-Sig',
        },
      });
      assert.equal(response.status, 201, response.text);
      const { data } = response.body;
      assert.match(data.id, UUID);
      assert.match(data.secret_token, /^[0-9a-f]{32}$/);
      assert.equal(data.ingest_url, `${PUBLIC_URL}/v1/webhooks/receive/${data.id}/${data.secret_token}`);
      assert.equal(data.receive_url, data.ingest_url);
      assert.equal(data.mode, 'forward');
      assert.equal(data.url, FORWARD_URL);
      assert.equal(data.active, true);
      assert.match(data.created_at, RFC3339_UTC);
      assert.equal(data.signing_secret, undefined, 'no signing key unless signing_enabled');

      const [row] = await server.store.db.query<Record<string, unknown>>(
        'SELECT * FROM inbound_endpoints WHERE id = $1',
        [data.id],
      );
      assert.ok(row);
      const stored = JSON.stringify(row);
      for (const secret of [data.secret_token, '"tok"', '"hm"']) assert.ok(!stored.includes(secret), secret);
      assert.match(String(row.hmac_secret), /^v1\./);

      const got = await api('GET', `/v1/inbound-endpoints/${data.id}`);
      assert.equal(got.status, 200, got.text);
      assert.equal(got.body.data.ingest_url, data.ingest_url);
      assert.equal(got.body.data.verify_hmac, true);
      assert.equal(got.body.data.hmac_header_name, 'X-Sig');
      assert.equal(got.body.data.ingest_response_code, 202);
      assert.deepEqual(got.body.data.idempotency_header_names, []);
      assert.ok(!got.text.includes('"tok"') && !got.text.includes('"hm"'), 'secrets are never returned');
    });

    it('creates a cli endpoint as the hb CLI does, listed with mode and ingest_url', async () => {
      const created = await api('POST', '/v1/inbound-endpoints', {
        body: { mode: 'cli', name: 'CLI Endpoint' },
      });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.data.url, '');
      const list = await api<ResponseBody<'/v1/inbound-endpoints', 'get'>>(
        'GET',
        '/v1/inbound-endpoints?limit=100',
      );
      assert.equal(list.status, 200, list.text);
      const row = list.body.data.find((r) => r.id === created.body.data.id);
      assert.ok(row, 'the new endpoint is listed');
      assert.deepEqual(Object.keys(row).sort(), [
        'active',
        'created_at',
        'ephemeral',
        'expires_at',
        'id',
        'ingest_url',
        'mode',
        'name',
        'paused',
        'receive_url',
        'url',
      ]);
      assert.equal(row.ingest_url, created.body.data.ingest_url);
      const forwardRow = list.body.data.find((r) => r.mode === 'forward');
      assert.ok(forwardRow, 'a forward endpoint is listed');
      assert.equal(forwardRow.ingest_url, undefined, 'forward rows never show the secret URL');
    });

    it('signing_enabled creates the first signing key; keys are managed like outbound ones', async () => {
      const created = await createInbound(api, { url: FORWARD_URL, signing_enabled: true });
      assert.match(created.signing_secret!, /^whsec_/);
      const path = `/v1/inbound-endpoints/${created.id}/signing-keys`;
      const second = await api('POST', path);
      assert.equal(second.status, 201, second.text);
      assert.equal((await api('POST', path)).body.error.code, 'MAX_SIGNING_KEYS_REACHED');
      const keys = await api('GET', path);
      assert.equal(keys.body.data.length, 2);
      assert.equal((await api('DELETE', `${path}/${second.body.data.id}`)).status, 200);
      const last = await api('DELETE', `${path}/${keys.body.data[0].id}`);
      assert.equal(last.status, 409);
      assert.equal(last.body.error.code, 'CANNOT_DELETE_LAST_SIGNING_KEY');
      assert.equal((await api('DELETE', `${path}/sk_${'0'.repeat(32)}`)).status, 404);
    });

    it('refuses bad input with 400, never 500', async () => {
      const cases: Array<[Record<string, unknown>, string, RegExp]> = [
        [{}, 'INVALID_REQUEST', /url is required/],
        [{ mode: 'pull' }, 'INVALID_REQUEST', /mode/],
        [{ url: 'http://93.184.215.14/x' }, 'INVALID_ENDPOINT', /https/],
        [{ url: 'https://127.0.0.1/hook' }, 'ENDPOINT_BLOCKED', /private/],
        [{ mode: 'cli', verify_static_token: true }, 'INVALID_REQUEST', /token_value/],
        [
          { mode: 'cli', verify_static_token: true, token_value: 'x' },
          'INVALID_REQUEST',
          /token_header_name/,
        ],
        [{ mode: 'cli', verify_hmac: true, hmac_secret: 's' }, 'INVALID_REQUEST', /hmac_header_name/],
        [{ mode: 'cli', verify_ip_allowlist: true }, 'INVALID_REQUEST', /allowed_cidrs/],
        [{ mode: 'cli', allowed_cidrs: ['10.0.0.0/40'] }, 'INVALID_REQUEST', /not an IPv4 or IPv6 CIDR/],
        [{ mode: 'cli', ingest_response_code: 301 }, 'INVALID_REQUEST', /ingest_response_code/],
        [
          { mode: 'cli', idempotency_header_names: ['bad header'] },
          'INVALID_REQUEST',
          /idempotency_header_names/,
        ],
        [{ mode: 'cli', name: 5 }, 'INVALID_REQUEST', /name/],
      ];
      for (const [body, code, message] of cases) {
        const response = await api('POST', '/v1/inbound-endpoints', { body });
        assert.equal(response.status, 400, `${JSON.stringify(body)}: ${response.text}`);
        assert.equal(response.body.error.code, code, JSON.stringify(body));
        assert.match(response.body.error.message, message, JSON.stringify(body));
      }
    });

    it('PATCH changes only the fields sent, including active; enabling signing creates a key', async () => {
      const created = await createInbound(api, { mode: 'cli', name: 'before', description: 'd' });
      const patched = await api('PATCH', `/v1/inbound-endpoints/${created.id}`, {
        body: {
          name: 'after',
          active: false,
          signing_enabled: true,
          idempotency_header_names: ['X-Event-Id'],
        },
      });
      assert.equal(patched.status, 200, patched.text);
      const { data } = patched.body;
      assert.equal(data.updated, true);
      assert.equal(data.name, 'after');
      assert.equal(data.description, 'd');
      assert.equal(data.active, false);
      assert.match(data.signing_secret, /^whsec_/);
      assert.deepEqual(data.idempotency_header_names, ['X-Event-Id']);
      const toForward = await api('PATCH', `/v1/inbound-endpoints/${created.id}`, {
        body: { mode: 'forward' },
      });
      assert.equal(toForward.status, 400);
      assert.match(toForward.body.error.message, /url is required/);
      const again = await api('PATCH', `/v1/inbound-endpoints/${created.id}`, {
        body: { description: null },
      });
      assert.equal(again.body.data.description, null);
      assert.equal(again.body.data.signing_secret, undefined, 'a key is made only when there is none');
    });

    it('pauses, resumes and deletes; a deleted endpoint is gone', async () => {
      const created = await createInbound(api, { mode: 'cli' });
      const paused = await api('POST', `/v1/inbound-endpoints/${created.id}/pause`);
      assert.deepEqual(paused.body.data, { id: created.id, paused: true });
      assert.equal((await api('GET', `/v1/inbound-endpoints/${created.id}`)).body.data.paused, true);
      const resumed = await api('POST', `/v1/inbound-endpoints/${created.id}/resume`);
      assert.deepEqual(resumed.body.data, { id: created.id, paused: false });
      const deleted = await api('DELETE', `/v1/inbound-endpoints/${created.id}`);
      assert.deepEqual(deleted.body.data, { id: created.id, deleted: true });
      for (const [method, path] of [
        ['GET', ''],
        ['DELETE', ''],
        ['POST', '/pause'],
        ['PATCH', ''],
      ] as const) {
        const response = await api(
          method,
          `/v1/inbound-endpoints/${created.id}${path}`,
          method === 'PATCH' ? { body: {} } : {},
        );
        assert.equal(response.status, 404, `${method} ${path}`);
        assert.equal(response.body.error.code, 'ENDPOINT_NOT_FOUND');
      }
    });

    it('answers 404 for unknown and malformed ids', async () => {
      for (const id of [UNKNOWN, 'not-a-uuid', 'ep_0123']) {
        const response = await api('GET', `/v1/inbound-endpoints/${id}`);
        assert.equal(response.status, 404, id);
      }
    });

    it('pages with a cursor when limit (1–100) is sent: has_more and next_cursor', async () => {
      const other = await createProjectWithKey(server, 'paging');
      const own = client(server.url, other.apiKey);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await createInbound(own, { mode: 'cli', name: `n${i}` })).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/v1/inbound-endpoints?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await own<ResponseBody<'/v1/inbound-endpoints', 'get'>>('GET', url);
        assert.equal(page.status, 200, page.text);
        seen.push(...page.body.data.map((r) => r.id));
        cursor = page.body.meta.next_cursor;
        assert.equal(page.body.meta.has_more, cursor !== null);
      } while (cursor);
      assert.deepEqual(seen, ids);
      for (const query of ['limit=0', 'limit=101', 'cursor=%%%', 'cursor=Zm9v']) {
        const response = await own('GET', `/v1/inbound-endpoints?${query}`);
        assert.equal(response.status, 400, query);
      }
    });

    it('documents the routes in /openapi.json', async () => {
      const doc = (await api('GET', '/openapi.json')).body;
      for (const path of [
        '/v1/inbound-endpoints',
        '/v1/inbound-endpoints/{id}',
        '/v1/inbound-endpoints/{id}/pause',
        '/v1/inbound-endpoints/{id}/resume',
        '/v1/inbound-endpoints/{id}/signing-keys',
        '/v1/inbound-endpoints/{id}/signing-keys/{key_id}',
        '/v1/inbound-endpoints/{id}/listen',
        '/v1/inbound-endpoints/{id}/listen/ack',
        '/v1/webhooks/receive/{id}/{token}',
        '/v1/listen',
      ]) {
        assert.ok(doc.paths[path], `${path} is documented`);
      }
      assert.ok(doc.paths['/v1/webhooks/receive/{id}/{token}'].post);
    });
  });
}
