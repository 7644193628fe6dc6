import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createEndpoint, hasStatus, send, waitForMessage } from '../helpers/delivery.js';
import type { Api } from '../helpers/http.js';
import { createInbound, ingest } from '../helpers/inbound.js';
import { Receiver } from '../helpers/receiver.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

const UNKNOWN = '01935abc-def0-7123-8567-890abcdef012';

for (const kind of storeKinds()) {
  describe(`GET …/{id}/delivery: the request a delivery would make, for hb replay --to [${kind}]`, () => {
    let server: TestServer;
    let api: Api;
    let receiver: Receiver;

    before(async () => {
      ({ server, api } = await startWithClient(kind, { HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true' }));
      receiver = await Receiver.start();
    });
    after(async () => {
      await receiver.close();
      await server.close();
    });

    it('outbound: the stored body and the headers of a real delivery, signed now with the active keys', async () => {
      const endpoint = await createEndpoint(api, `${receiver.url}/d`, { headers: { 'X-Team': 'billing' } });
      const id = await send(api, endpoint.id, { order: 7 }, { headers: { 'X-Order': '7' } });
      await waitForMessage(api, id, hasStatus('succeeded'));
      const [real] = await receiver.waitFor(1, '/d');
      const response = await api('GET', `/v1/messages/${id}/delivery`);
      assert.equal(response.status, 200, response.text);
      const data = response.body.data;
      assert.equal(data.message_id, id);
      assert.equal(data.url, `${receiver.url}/d`);
      assert.equal(data.body_encoding, 'base64');
      const body = Buffer.from(data.body, 'base64');
      assert.deepEqual(body, real!.body);
      const headers = Object.fromEntries(Object.entries(data.headers).map(([k, v]) => [k.toLowerCase(), v]));
      for (const name of ['content-type', 'user-agent', 'x-team', 'x-order', 'x-webhook-id'])
        assert.equal(headers[name], real!.headers[name], name);
      const expected = createHmac('sha256', endpoint.signing_secret)
        .update(`${headers['x-webhook-timestamp']}.`)
        .update(body)
        .digest('hex');
      assert.equal(headers['x-webhook-signature'], `sha256=${expected}`);
    });

    it('inbound: the provider’s body and headers; unknown ids 404; a removed payload 410', async () => {
      const endpoint = await createInbound(api, { mode: 'cli' });
      const bytes = Buffer.from([0, 1, 2, 255]);
      const id = (
        await ingest(endpoint.ingest_url, {
          body: bytes,
          headers: { 'content-type': 'application/octet-stream', 'x-provider': 'acme' },
        })
      ).body.data.message_id;
      const response = await api('GET', `/v1/inbound-messages/${id}/delivery`);
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(Buffer.from(response.body.data.body, 'base64'), bytes);
      assert.equal(response.body.data.headers['x-provider'], 'acme');
      const lower = Object.fromEntries(
        Object.entries(response.body.data.headers).map(([k, v]) => [k.toLowerCase(), v]),
      );
      assert.equal(lower['content-type'], 'application/octet-stream');
      assert.equal(lower['x-webhook-id'], id);
      assert.equal(response.body.data.url, '');
      for (const path of [`/v1/inbound-messages/${UNKNOWN}/delivery`, '/v1/messages/nope/delivery']) {
        const missing = await api('GET', path);
        assert.equal(missing.status, 404, path);
        assert.equal(missing.body.error.code, 'MESSAGE_NOT_FOUND');
      }
      await server.store.db.query('UPDATE inbound_messages SET payload = NULL WHERE id = $1', [id]);
      const gone = await api('GET', `/v1/inbound-messages/${id}/delivery`);
      assert.equal(gone.status, 410);
      assert.equal(gone.body.error.code, 'PAYLOAD_UNAVAILABLE');
    });

    it('is documented in /openapi.json', async () => {
      const doc = (await api('GET', '/openapi.json')).body;
      assert.ok(doc.paths['/v1/messages/{id}/delivery'].get);
      assert.ok(doc.paths['/v1/inbound-messages/{id}/delivery'].get);
    });
  });
}
