// The documentation's Node sample, unchanged but for where the server is (HOOKBRIDGE_BASE_URL):
// createEndpoint → send → getMessage → getLogs, and the delivery verifies.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HookBridge } from '@hookbridge/sdk';
import { verify } from '@hookbridge/sdk/webhooks';
import { eventually, Receiver, startServerWithSdk, storeKinds, type TestServer } from './helpers.js';

for (const kind of storeKinds()) {
  describe(`docs sample (${kind})`, () => {
    let server: TestServer;
    let receiver: Receiver;
    before(async () => {
      ({ server } = await startServerWithSdk(kind));
      receiver = await Receiver.start();
      process.env.HOOKBRIDGE_API_KEY = server.apiKey;
      process.env.HOOKBRIDGE_BASE_URL = server.url;
    });
    after(async () => {
      delete process.env.HOOKBRIDGE_API_KEY;
      delete process.env.HOOKBRIDGE_BASE_URL;
      await receiver?.close();
      await server?.close();
    });

    it('creates an endpoint, sends, reads the message and the logs, and the delivery verifies', async () => {
      const client = new HookBridge({ apiKey: process.env.HOOKBRIDGE_API_KEY });
      const endpoint = await client.createEndpoint({
        url: `${receiver.url}/webhooks`,
        description: 'Production destination',
      });
      assert.match(endpoint.id, /^ep_[a-f0-9]{32}$/);
      const result = await client.send({
        endpointId: endpoint.id,
        payload: { event: 'order.created', order_id: 'ord_123' },
        headers: { 'X-Source': 'billing-service' },
        idempotencyKey: 'order-123-created-v1',
      });
      assert.equal(result.status, 'queued');
      const [delivery] = await receiver.waitFor(1, '/webhooks');
      const verified = verify(delivery!.body, delivery!.headers, endpoint.signingSecret);
      assert.deepEqual(verified.payload, { event: 'order.created', order_id: 'ord_123' });
      assert.equal(verified.id, result.messageId);
      assert.equal(delivery!.headers['x-source'], 'billing-service');

      const message = await eventually(async () => {
        const m = await client.getMessage(result.messageId);
        return m.status === 'succeeded' ? m : undefined;
      });
      assert.equal(message.endpointId, endpoint.id);
      assert.equal(message.idempotencyKey, 'order-123-created-v1');
      assert.equal(message.attemptCount, 1);

      const logs = await client.getLogs({
        status: 'succeeded',
        startTime: new Date(Date.now() - 60_000),
        limit: 100,
      });
      assert.deepEqual(
        logs.messages.map((m) => m.messageId),
        [result.messageId],
      );
      assert.equal(logs.messages[0]!.responseStatus, 200);
      const metrics = await client.getMetrics('24h');
      assert.equal(metrics.totalMessages, 1);
      assert.equal(metrics.successRate, 1);
    });
  });
}
