// Every outbound method, in both shapes (resource groups with the API's objects, flat doc names with
// camelCase), against the real server: endpoints, signing keys, send, messages, logs, DLQ, metrics.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { HookBridge } from '@hookbridge/sdk';
import { eventually, Receiver, startServerWithSdk, storeKinds, type TestServer } from './helpers.js';

const status = (code: number) => (_req: unknown, res: ServerResponse) => res.writeHead(code).end();

for (const kind of storeKinds()) {
  describe(`outbound methods (${kind})`, () => {
    let server: TestServer;
    let hb: HookBridge;
    let receiver: Receiver;
    const waitStatus = (id: string, wanted: string) => {
      let last = '';
      return eventually(
        async () => {
          const message = await hb.messages.get(id);
          last = message.status;
          return message.status === wanted ? message : undefined;
        },
        () => `message ${id} ${wanted} (last ${last})`,
      );
    };

    before(async () => {
      // One slow retry an hour out: a failed first attempt parks the message in pending_retry.
      ({ server, hb } = await startServerWithSdk(kind, { HOOKBRIDGE_RETRY_SCHEDULE: '3600,3600,3600' }));
      receiver = await Receiver.start();
    });
    after(async () => {
      await receiver?.close();
      await server?.close();
    });

    it('endpoints: create, get, list, update, pause, resume, delete (resource and flat)', async () => {
      const created = await hb.endpoints.create({
        url: `${receiver.url}/a`,
        description: 'first',
        rate_limit_rps: 5,
      });
      assert.match(created.signing_secret, /^whsec_/);
      const fetched = await hb.endpoints.get(created.id);
      assert.equal(fetched.rate_limit_rps, 5);
      assert.equal(fetched.paused, false);
      const flat = await hb.createEndpoint({
        url: `${receiver.url}/b`,
        hmacEnabled: false,
        headers: { 'X-Team': 'a' },
      });
      assert.match(flat.signingSecret, /^whsec_/);
      const got = await hb.getEndpoint(flat.id);
      assert.equal(got.hmacEnabled, false);
      assert.deepEqual(got.headers, { 'X-Team': 'a' });

      const listed = await hb.listEndpoints({ limit: 10 });
      assert.deepEqual(new Set(listed.endpoints.map((e) => e.id)), new Set([created.id, flat.id]));
      assert.equal(listed.hasMore, false);

      const updated = await hb.endpoints.update(created.id, { description: 'renamed' });
      assert.equal(updated.description, 'renamed');
      const updatedFlat = await hb.updateEndpoint(flat.id, { rateLimitRps: 7, burst: 9 });
      assert.equal(updatedFlat.rateLimitRps, 7);
      assert.equal(updatedFlat.burst, 9);

      assert.deepEqual(await hb.endpoints.pause(created.id), { id: created.id, paused: true });
      assert.equal((await hb.getEndpoint(created.id)).paused, true);
      assert.deepEqual(await hb.resumeEndpoint(created.id), {
        id: created.id,
        paused: false,
        messagesRequeued: 0,
      });
      assert.deepEqual(await hb.pauseEndpoint(flat.id), { id: flat.id, paused: true });
      assert.equal((await hb.endpoints.resume(flat.id)).paused, false);

      assert.deepEqual(await hb.deleteEndpoint(flat.id), { id: flat.id, deleted: true });
      assert.deepEqual(await hb.endpoints.delete(created.id), { id: created.id, deleted: true });
      assert.equal((await hb.endpoints.list()).data.length, 0);
    });

    it('signing keys: create, list, delete and the legacy rotate, in both shapes', async () => {
      const endpoint = await hb.endpoints.create({ url: `${receiver.url}/keys` });
      const second = await hb.endpoints.signingKeys.create(endpoint.id);
      assert.match(second.signing_secret, /^whsec_/);
      const keys = await hb.listEndpointSigningKeys(endpoint.id);
      assert.deepEqual(keys.map((k) => k.id).sort(), [endpoint.signing_key_id, second.id].sort());
      assert.ok(keys.every((k) => typeof k.keyHint === 'string'));
      assert.deepEqual(await hb.deleteEndpointSigningKey(endpoint.id, endpoint.signing_key_id), {
        id: endpoint.signing_key_id,
        deleted: true,
      });
      const third = await hb.createEndpointSigningKey(endpoint.id);
      assert.match(third.signingSecret, /^whsec_/);
      await hb.endpoints.signingKeys.delete(endpoint.id, third.id);
      const rotated = await hb.rotateEndpointSecret(endpoint.id);
      assert.match(rotated.signingSecret, /^whsec_/);
      const viaGroup = await hb.endpoints.signingKeys.list(endpoint.id);
      assert.deepEqual(viaGroup.map((k) => k.id).sort(), [second.id, rotated.id].sort());
      await hb.endpoints.signingKeys.delete(endpoint.id, rotated.id);
      const legacy = await hb.endpoints.rotateSecret(endpoint.id);
      assert.match(legacy.signing_secret, /^whsec_/);
    });

    it('send (both shapes, PHP positional too), get, attempts, replay; idempotent repeats return one message', async () => {
      const endpoint = await hb.endpoints.create({ url: `${receiver.url}/send` });
      const grouped = await hb.webhooks.send({ endpoint_id: endpoint.id, payload: { n: 1 } });
      assert.equal(grouped.status, 'queued');
      const positional = await hb.send(endpoint.id, { n: 2 }, { 'X-Pos': 'yes' }, 'positional-key');
      const again = await hb.send({
        endpointId: endpoint.id,
        payload: { n: 2 },
        idempotencyKey: 'positional-key',
      });
      assert.equal(again.messageId, positional.messageId);
      await receiver.waitFor(2, '/send');
      assert.equal(receiver.for('/send').length, 2);

      const message = await waitStatus(grouped.message_id, 'succeeded');
      assert.match(message.idempotency_key!, /^sdk_/, 'a send without a key gets a generated one');
      const flatMessage = await hb.getMessage(positional.messageId);
      assert.equal(flatMessage.idempotencyKey, 'positional-key');

      const attempts = await hb.messages.attempts(grouped.message_id);
      assert.equal(attempts.data.length, 1);
      assert.equal(attempts.data[0]!.response_status, 200);
      const flatAttempts = await hb.getMessageAttempts(grouped.message_id);
      assert.equal(flatAttempts.attempts[0]!.attemptNo, 1);
      assert.equal(flatAttempts.hasMore, false);

      assert.deepEqual(await hb.messages.replay(grouped.message_id), {
        message_id: grouped.message_id,
        status: 'queued',
      });
      await receiver.waitFor(3, '/send');
      await waitStatus(grouped.message_id, 'succeeded');
      assert.deepEqual(await hb.replay(grouped.message_id), {
        messageId: grouped.message_id,
        status: 'queued',
      });
      await receiver.waitFor(4, '/send');
      assert.equal((await waitStatus(grouped.message_id, 'succeeded')).replay_count, 2);
    });

    it('cancel, retry-now, DLQ list and replay, replay-all and replay-batch', async () => {
      const endpoint = await hb.endpoints.create({ url: `${receiver.url}/flaky` });
      // Four failures: the first attempts of three messages and one retry-now; then the receiver answers 200.
      receiver.respond('/flaky', status(500), status(500), status(500), status(500));
      const first = await hb.send({ endpointId: endpoint.id, payload: { n: 'cancel' } });
      await waitStatus(first.messageId, 'pending_retry');
      assert.deepEqual(await hb.cancelRetry(first.messageId), {
        messageId: first.messageId,
        status: 'failed_permanent',
      });

      const second = await hb.send({ endpointId: endpoint.id, payload: { n: 'retry-now' } });
      await waitStatus(second.messageId, 'pending_retry');
      const retried = await hb.retryNow(second.messageId);
      assert.equal(retried.messageId, second.messageId);
      await eventually(async () => {
        const attempts = await hb.messages.attempts(second.messageId);
        return attempts.data.length === 2 ? attempts : undefined;
      });
      await waitStatus(second.messageId, 'pending_retry');
      await hb.messages.cancel(second.messageId);

      const third = await hb.send({ endpointId: endpoint.id, payload: { n: 'group-retry-now' } });
      await waitStatus(third.messageId, 'pending_retry');
      assert.equal((await hb.messages.retryNow(third.messageId)).status, 'pending_retry');
      await waitStatus(third.messageId, 'succeeded');

      const dlq = await hb.getDLQMessages();
      assert.deepEqual(
        new Set(dlq.messages.map((m) => m.messageId)),
        new Set([first.messageId, second.messageId]),
      );
      assert.equal(dlq.hasMore, false);
      assert.deepEqual((await hb.dlq.list({ limit: 1 })).data.length, 1);
      assert.equal((await hb.replayFromDLQ(first.messageId)).messageId, first.messageId);
      await waitStatus(first.messageId, 'succeeded');
      assert.equal((await hb.dlq.replay(second.messageId)).message_id, second.messageId);
      await waitStatus(second.messageId, 'succeeded');

      const all = await hb.replayAllMessages('succeeded', endpoint.id, 2);
      assert.equal(all.replayed, 2);
      assert.equal(all.replayedMessageIds.length, 2);
      for (const id of all.replayedMessageIds) await waitStatus(id, 'succeeded');
      const grouped = await hb.messages.replayAll({ status: 'succeeded', endpoint_id: endpoint.id });
      assert.equal(grouped.replayed, 3);
      for (const id of grouped.replayed_message_ids) await waitStatus(id, 'succeeded');
      const batch = await hb.replayBatchMessages([first.messageId, '0190a5a0-0000-7000-8000-000000000000']);
      assert.equal(batch.replayed, 1);
      assert.deepEqual(
        batch.results.map((r) => [r.messageId, r.status]),
        [
          [first.messageId, 'replayed'],
          ['0190a5a0-0000-7000-8000-000000000000', 'failed'],
        ],
      );
      await waitStatus(first.messageId, 'succeeded');
      const groupedBatch = await hb.messages.replayBatch([second.messageId]);
      assert.equal(groupedBatch.results[0]!.message_id, second.messageId);
      await waitStatus(second.messageId, 'succeeded');
    });

    it('logs, metrics and timeseries in both shapes', async () => {
      const logs = await hb.logs.list({ status: 'succeeded', limit: 500 });
      assert.ok(logs.data.length >= 5);
      assert.ok(logs.data.every((m) => m.status === 'succeeded'));
      const flat = await hb.getLogs({ status: 'succeeded', endTime: new Date(Date.now() + 60_000) });
      assert.deepEqual(
        flat.messages.map((m) => m.messageId),
        logs.data.map((m) => m.message_id),
      );
      const metrics = await hb.metrics.get({ window: '1h' });
      assert.equal(metrics.window, '1h');
      assert.ok(metrics.total_messages >= 5);
      const flatMetrics = await hb.getMetrics({ window: '7d' });
      assert.equal(flatMetrics.window, '7d');
      assert.equal(flatMetrics.totalMessages, metrics.total_messages);
      assert.ok(flatMetrics.successRate > 0 && flatMetrics.successRate <= 1);
      const series = await hb.metrics.timeseries({ window: '24h' });
      assert.equal(series.buckets.length, 24);
      const flatSeries = await hb.getTimeseriesMetrics('1h');
      assert.equal(flatSeries.window, '1h');
      assert.ok(flatSeries.buckets.every((b) => typeof b.avgLatencyMs === 'number'));
      assert.equal(
        flatSeries.buckets.reduce((sum, b) => sum + b.total, 0),
        metrics.total_messages,
      );
    });
  });
}
