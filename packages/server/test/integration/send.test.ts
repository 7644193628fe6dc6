import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sha256Hex } from '../../src/lib/crypto.js';
import { newUuid } from '../../src/lib/ids.js';
import { insertMessages } from '../../src/modules/send/store.js';
import { createEndpoint, send } from '../helpers/delivery.js';
import { call, type Api, client } from '../helpers/http.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

const ONE_MB = 1024 * 1024;

for (const kind of storeKinds()) {
  describe(`POST /v1/webhooks/send [${kind}]`, () => {
    let server: TestServer;
    let api: Api;
    let endpointId: string;

    before(async () => {
      // Port 9 on loopback: nothing listens, and deliveries failing there do not matter to these tests.
      ({ server, api } = await startWithClient(kind, { HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true' }));
      endpointId = (await createEndpoint(api, 'http://127.0.0.1:9/send-tests')).id;
    });
    after(() => server.close());

    it('accepts with 202 and a UUIDv7 message id, committed before the reply', async () => {
      const response = await api('POST', '/v1/webhooks/send', {
        body: { endpoint_id: endpointId, payload: { hello: 'world' } },
      });
      assert.equal(response.status, 202, response.text);
      assert.equal(response.body.data.status, 'queued');
      assert.match(response.body.data.message_id, /^[0-9a-f-]{36}$/);
      const rows = await server.store.db.query<{ payload: Uint8Array; mode: string }>(
        'SELECT payload, mode FROM messages WHERE id = $1',
        [response.body.data.message_id],
      );
      assert.equal(Buffer.from(rows[0]!.payload).toString('utf8'), '{"hello":"world"}');
      assert.equal(rows[0]!.mode, 'live');
    });

    it('stores concurrent payloads byte for byte, multi-byte characters included', async () => {
      const payloads = Array.from({ length: 24 }, (_, i) => ({
        i,
        text: ['émoji 😀', '中文字符', 'mixed ü\u0000\\"quotes"', 'plain'][i % 4]!.repeat(i + 1),
        nested: { list: [i, 'ä'.repeat(i)] },
      }));
      const ids = await Promise.all(payloads.map((payload) => send(api, endpointId, payload)));
      const rows = await server.store.db.query<{ id: string; payload: Uint8Array; size_bytes: number }>(
        'SELECT id, payload, size_bytes FROM messages WHERE id = ANY($1::uuid[])',
        [ids],
      );
      const byId = new Map(rows.map((row) => [row.id, row]));
      payloads.forEach((payload, i) => {
        const row = byId.get(ids[i]!);
        assert.ok(row, `message ${i} stored`);
        const expected = JSON.stringify(payload);
        assert.equal(Buffer.from(row.payload).toString('utf8'), expected, `payload ${i}`);
        assert.equal(row.size_bytes, Buffer.byteLength(expected), `size of payload ${i}`);
      });
    });

    it('cuts each payload of one batched INSERT at its own byte offsets', async () => {
      const endpointRows = await server.store.db.query<{ project_id: string }>(
        'SELECT project_id FROM endpoints WHERE id = $1',
        [endpointId],
      );
      const projectId = endpointRows[0]!.project_id;
      const texts = ['ü😀', 'plain', '中文', '', 'x\\"y'];
      const messages = texts.map((text) => {
        const payload = JSON.stringify({ text });
        return {
          id: newUuid(),
          projectId,
          endpointId,
          mode: 'live' as const,
          payload,
          sizeBytes: Buffer.byteLength(payload),
          payloadSha256: sha256Hex(payload),
          headers: {},
          idempotencyKey: null,
          retentionHours: null,
        };
      });
      const inserted = await insertMessages(server.store.db, messages);
      assert.equal(inserted.rows.length, messages.length);
      for (const message of messages) {
        const [row] = await server.store.db.query<{ payload: Uint8Array }>(
          'SELECT payload FROM messages WHERE id = $1',
          [message.id],
        );
        assert.equal(Buffer.from(row!.payload).toString('utf8'), message.payload);
      }
    });

    it('tags messages with the mode of the key that sent them', async () => {
      const testKey = (await api('POST', '/v1/api-keys', { body: { mode: 'test' } })).body.data.key;
      const id = await send(client(server.url, testKey), endpointId, { t: 1 });
      const message = await api('GET', `/v1/messages/${id}`);
      assert.equal(message.body.data.mode, 'test');
    });

    it('applies the endpoint id rules: ep_ prefix is a 400, any other miss is a 404', async () => {
      const bad = await api('POST', '/v1/webhooks/send', { body: { endpoint_id: 'nope_123', payload: {} } });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'INVALID_REQUEST');
      assert.equal(bad.body.error.message, 'endpoint_id must be in format ep_xxx');
      for (const id of ['ep_nonexistent_12345', `ep_${'0'.repeat(32)}`, 'ep_']) {
        const missing = await api('POST', '/v1/webhooks/send', { body: { endpoint_id: id, payload: {} } });
        assert.equal(missing.status, 404, `${id}: ${missing.text}`);
        assert.equal(missing.body.error.code, 'ENDPOINT_NOT_FOUND');
      }
    });

    it('refuses a payload over 1 MB with 400 PAYLOAD_TOO_LARGE, whatever its size', async () => {
      const fits = { data: 'x'.repeat(ONE_MB - 11) }; // {"data":"…"} is 11 bytes of framing
      assert.equal(JSON.stringify(fits).length, ONE_MB);
      const accepted = await api('POST', '/v1/webhooks/send', {
        body: { endpoint_id: endpointId, payload: fits },
      });
      assert.equal(accepted.status, 202, 'exactly 1 MB is accepted');
      for (const size of [ONE_MB + 1 - 11, 20 * ONE_MB]) {
        const response = await api('POST', '/v1/webhooks/send', {
          body: { endpoint_id: endpointId, payload: { data: 'x'.repeat(size) } },
        });
        assert.equal(response.status, 400, `payload of ${size}`);
        assert.equal(response.body.error.code, 'PAYLOAD_TOO_LARGE');
      }
    });

    it('validates the rest of the body with precise messages', async () => {
      const cases: Array<[unknown, RegExp]> = [
        [{ payload: {} }, /endpoint_id is required/],
        [{ endpoint_id: endpointId }, /payload is required/],
        [{ endpoint_id: endpointId, payload: 'text' }, /payload must be/],
        [{ endpoint_id: endpointId, payload: {}, headers: { 'X-A': 1 } }, /headers\.X-A must be a string/],
        [{ endpoint_id: endpointId, payload: {}, headers: { Host: 'evil' } }, /Host/],
        [{ endpoint_id: endpointId, payload: {}, headers: { 'X-Webhook-Id': 'x' } }, /X-Webhook-Id/],
        [{ endpoint_id: endpointId, payload: {}, idempotency_key: 'has space' }, /idempotency_key/],
        [{ endpoint_id: endpointId, payload: {}, idempotency_key: 'k'.repeat(256) }, /idempotency_key/],
        [{ endpoint_id: 42, payload: {} }, /endpoint_id must be a string/],
      ];
      for (const [body, message] of cases) {
        const response = await api('POST', '/v1/webhooks/send', { body });
        assert.equal(response.status, 400, `${JSON.stringify(body)}: ${response.text}`);
        assert.match(response.body.error.code, /^(INVALID_REQUEST|INVALID_HEADERS)$/);
        assert.match(response.body.error.message, message);
      }
      const malformed = await api('POST', '/v1/webhooks/send', {
        rawBody: '{"endpoint_id": "ep_x", "payload": {',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(malformed.status, 400);
    });

    it('is idempotent per (project, endpoint, key), exactly once under 50 concurrent identical sends', async () => {
      const body = { endpoint_id: endpointId, payload: { order: 7 }, idempotency_key: `order-7-${kind}` };
      const responses = await Promise.all(
        Array.from({ length: 50 }, () => api('POST', '/v1/webhooks/send', { body })),
      );
      assert.deepEqual(new Set(responses.map((r) => r.status)), new Set([202]));
      const ids = new Set(responses.map((r) => r.body.data.message_id));
      assert.equal(ids.size, 1, 'every reply names the same message');
      const stored = await server.store.db.query<{ count: number }>(
        'SELECT count(*) AS count FROM messages WHERE idempotency_key = $1',
        [body.idempotency_key],
      );
      assert.equal(stored[0]!.count, 1);

      const mismatch = await api('POST', '/v1/webhooks/send', { body: { ...body, payload: { order: 8 } } });
      assert.equal(mismatch.status, 409);
      assert.equal(mismatch.body.error.code, 'IDEMPOTENCY_MISMATCH');

      // The same key on another endpoint is a different message.
      const other = await createEndpoint(api, 'http://127.0.0.1:9/other-endpoint');
      const elsewhere = await api('POST', '/v1/webhooks/send', { body: { ...body, endpoint_id: other.id } });
      assert.equal(elsewhere.status, 202);
      assert.ok(!ids.has(elsewhere.body.data.message_id));
      // The Idempotency-Key header works as well.
      const viaHeader = await api('POST', '/v1/webhooks/send', {
        body: { endpoint_id: endpointId, payload: { order: 7 } },
        headers: { 'idempotency-key': body.idempotency_key },
      });
      assert.equal(viaHeader.body.data.message_id, [...ids][0]);
    });

    it("cannot send to another project's endpoint", async () => {
      const { createProjectWithKey } = await import('../helpers/security.js');
      const other = await createProjectWithKey(server, 'sender-isolation');
      const response = await call(server.url, 'POST', '/v1/webhooks/send', {
        key: other.apiKey,
        body: { endpoint_id: endpointId, payload: {} },
      });
      assert.equal(response.status, 404);
      assert.equal(response.body.error.code, 'ENDPOINT_NOT_FOUND');
    });

    it('GET /v1/messages/{id} answers 404 for unknown and foreign ids; attempts answer []', async () => {
      const { createProjectWithKey } = await import('../helpers/security.js');
      const other = await createProjectWithKey(server, 'reader-isolation');
      const id = await send(api, endpointId, { mine: true });
      const foreign = await call(server.url, 'GET', `/v1/messages/${id}`, { key: other.apiKey });
      assert.equal(foreign.status, 404);
      for (const unknown of ['01935abc-def0-7123-8567-890abcdef012', 'msg_123', 'not-a-uuid']) {
        const response = await api('GET', `/v1/messages/${unknown}`);
        assert.equal(response.status, 404);
        assert.match(response.body.error.code, /NOT_FOUND$/);
      }
      const attempts = await call(server.url, 'GET', `/v1/messages/${id}/attempts`, { key: other.apiKey });
      assert.equal(attempts.status, 200);
      assert.deepEqual(attempts.body.data, []);
      assert.equal(attempts.body.meta.has_more, false);
    });
  });
}
