import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEndpoint, send } from '../helpers/delivery.js';
import type { Api } from '../helpers/http.js';
import { createInbound, ingest } from '../helpers/inbound.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

for (const kind of storeKinds()) {
  describe(`message payloads [${kind}]`, () => {
    let server: TestServer;
    let api: Api;
    let messageId: string;
    let inboundId: string;
    let endpointId: string;

    before(async () => {
      ({ server, api } = await startWithClient(kind, { HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true' }));
      endpointId = (await createEndpoint(api, 'http://127.0.0.1:9/payloads')).id;
      await api('POST', `/v1/endpoints/${endpointId}/pause`);
      messageId = await send(api, endpointId, { hello: 'wörld', n: 1 }, { headers: { 'x-trace': 'abc' } });
      const inbound = await createInbound(api, { name: 'cli', mode: 'cli' });
      const bytes = new Uint8Array([0xff, 0x00, 0x81, 0x7f]);
      const ingested = await ingest(inbound.ingest_url, {
        body: bytes,
        headers: { 'content-type': 'application/octet-stream', 'x-provider': 'acme' },
      });
      assert.equal(ingested.status, 202, ingested.text);
      inboundId = ingested.body.data.message_id;
    });
    after(() => server.close());

    it('returns an outbound payload as UTF-8 text with its send-time headers', async () => {
      const response = await api('GET', `/v1/messages/${messageId}/payload`);
      assert.equal(response.status, 200, response.text);
      const { data } = response.body;
      assert.equal(data.message_id, messageId);
      assert.equal(data.body_encoding, 'utf8');
      assert.deepEqual(JSON.parse(data.body), { hello: 'wörld', n: 1 });
      assert.equal(data.content_type, 'application/json');
      assert.equal(data.size_bytes, Buffer.byteLength(data.body));
      assert.equal(data.headers['x-trace'], 'abc');
    });

    it('returns a binary inbound payload as base64, byte for byte', async () => {
      const response = await api('GET', `/v1/inbound-messages/${inboundId}/payload`);
      assert.equal(response.status, 200, response.text);
      const { data } = response.body;
      assert.equal(data.body_encoding, 'base64');
      assert.deepEqual([...Buffer.from(data.body, 'base64')], [0xff, 0x00, 0x81, 0x7f]);
      assert.equal(data.content_type, 'application/octet-stream');
      assert.equal(data.headers['x-provider'], 'acme');
    });

    it('answers 404 for an unknown, malformed or mismatched id', async () => {
      for (const path of [
        '/v1/messages/0190a5c4-0000-7000-8000-000000000000/payload',
        '/v1/messages/not-a-uuid/payload',
        `/v1/messages/${inboundId}/payload`,
        `/v1/inbound-messages/${messageId}/payload`,
      ]) {
        const response = await api('GET', path);
        assert.equal(response.status, 404, `${path}: ${response.text}`);
        assert.equal(response.body.error.code, 'MESSAGE_NOT_FOUND');
      }
    });

    it('answers 410 once retention removed the payload', async () => {
      await server.store.db.query('UPDATE messages SET payload = NULL WHERE id = $1', [messageId]);
      const response = await api('GET', `/v1/messages/${messageId}/payload`);
      assert.equal(response.status, 410, response.text);
      assert.equal(response.body.error.code, 'PAYLOAD_UNAVAILABLE');
    });
  });
}
