import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createEndpoint, hasStatus, send, waitForMessage } from '../helpers/delivery.js';
import { type Api, client, type ResponseBody } from '../helpers/http.js';
import { Receiver, status } from '../helpers/receiver.js';
import { createProjectWithKey } from '../helpers/security.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

for (const kind of storeKinds()) {
  describe(`dead-letter queue [${kind}]`, () => {
    let server: TestServer;
    let receiver: Receiver;
    let api: Api;
    let endpoint: { id: string };
    const dead: string[] = [];
    let delivered: string;

    async function dlqPage(query = '') {
      const response = await api<ResponseBody<'/v1/dlq/messages', 'get'>>('GET', `/v1/dlq/messages${query}`);
      assert.equal(response.status, 200, response.text);
      return response.body.data;
    }

    before(async () => {
      ({ server, api } = await startWithClient(kind, { HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true' }));
      receiver = await Receiver.start();
      receiver.respond('/dead', ...Array.from({ length: 4 }, () => status(404)));
      endpoint = await createEndpoint(api, `${receiver.url}/dead`);
      for (let n = 0; n < 4; n++) {
        const id = await send(api, endpoint.id, { n });
        await waitForMessage(api, id, hasStatus('failed_permanent'));
        dead.push(id);
      }
      delivered = await send(api, (await createEndpoint(api, `${receiver.url}/fine`)).id, { fine: true });
      await waitForMessage(api, delivered, hasStatus('succeeded'));
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });

    it('lists failed_permanent messages, most recent failure first, with failed_at', async () => {
      const page = await dlqPage();
      assert.deepEqual(
        page.messages.map((m) => m.message_id),
        dead.toReversed(),
      );
      assert.equal(page.has_more, false);
      assert.equal(page.next_cursor, null);
      const [latest] = page.messages;
      assert.ok(latest);
      assert.equal(latest.status, 'failed_permanent');
      assert.equal(latest.endpoint, `${receiver.url}/dead`);
      assert.equal(latest.response_status, 404);
      assert.match(latest.failed_at ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    });

    it('pages with the cursor inside data', async () => {
      const first = await dlqPage('?limit=3');
      assert.equal(first.messages.length, 3);
      assert.equal(first.has_more, true);
      const second = await dlqPage(`?limit=3&cursor=${first.next_cursor}`);
      assert.deepEqual(
        [...first.messages, ...second.messages].map((m) => m.message_id),
        dead.toReversed(),
      );
      assert.equal(second.has_more, false);
      for (const query of ['?limit=0', '?limit=1001', '?cursor=nope']) {
        const response = await api('GET', `/v1/dlq/messages${query}`);
        assert.equal(response.status, 400, `${query}: ${response.text}`);
      }
    });

    it('replays a dead-lettered message with no replay limit', async () => {
      const id = dead[0]!;
      await server.store.db.query('UPDATE messages SET replay_count = 10 WHERE id = $1', [id]);
      const normal = await api('POST', `/v1/messages/${id}/replay`);
      assert.equal(normal.status, 429, normal.text);
      const response = await api('POST', `/v1/dlq/replay/${id}`);
      assert.equal(response.status, 202, response.text);
      assert.deepEqual(response.body.data, { message_id: id, status: 'replayed' });
      await receiver.waitFor(5, '/dead');
      const message = await waitForMessage(api, id, hasStatus('succeeded'));
      assert.equal(message.replay_count, 11);
      const page = await dlqPage();
      assert.ok(!page.messages.some((m) => m.message_id === id), 'it left the DLQ');
    });

    it('answers 400 for a message that is not in the DLQ, 404 for an unknown one', async () => {
      const response = await api('POST', `/v1/dlq/replay/${delivered}`);
      assert.equal(response.status, 400, response.text);
      assert.equal(response.body.error.code, 'INVALID_REQUEST');
      assert.equal(response.body.error.message, 'message is not in DLQ (must have failed_permanent status)');
      for (const id of [randomUUID(), 'junk']) {
        const missing = await api('POST', `/v1/dlq/replay/${id}`);
        assert.equal(missing.status, 404, missing.text);
        assert.equal(missing.body.error.code, 'MESSAGE_NOT_FOUND');
      }
    });

    it('answers 410 when the payload is gone', async () => {
      const id = dead[1]!;
      await server.store.db.query('UPDATE messages SET payload = NULL WHERE id = $1', [id]);
      const response = await api('POST', `/v1/dlq/replay/${id}`);
      assert.equal(response.status, 410, response.text);
      assert.equal(response.body.error.code, 'PAYLOAD_UNAVAILABLE');
    });

    describe("another project's dead letters", () => {
      let foreign: string;
      before(async () => {
        const other = await createProjectWithKey(server, `dlq-${Date.now()}`);
        const otherApi = client(server.url, other.apiKey);
        receiver.respond('/foreign', status(400));
        const otherEndpoint = await createEndpoint(otherApi, `${receiver.url}/foreign`);
        foreign = await send(otherApi, otherEndpoint.id, { foreign: true });
        await waitForMessage(otherApi, foreign, hasStatus('failed_permanent'));
      });

      it("does not list another project's dead letters", async () => {
        const page = await dlqPage('?limit=1000');
        assert.ok(!page.messages.some((m) => m.message_id === foreign));
      });
    });
  });
}
