// Every inbound method, in both shapes, against the real server: endpoints, signing keys, listen,
// messages (get, attempts, replay, replay-all, replay-batch), logs, rejections, metrics.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { HookBridge } from '@hookbridge/sdk';
import { verify } from '@hookbridge/sdk/webhooks';
import { eventually, Receiver, startServerWithSdk, storeKinds, type TestServer } from './helpers.js';

type IngestAnswer = { data: { message_id: string } };
const ingest = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

for (const kind of storeKinds()) {
  describe(`inbound methods (${kind})`, () => {
    let server: TestServer;
    let hb: HookBridge;
    let receiver: Receiver;
    const waitStatus = (id: string, wanted: string) =>
      eventually(async () => {
        const message = await hb.inbound.messages.get(id);
        return message.status === wanted ? message : undefined;
      }, `inbound message ${id} ${wanted}`);

    before(async () => {
      ({ server, hb } = await startServerWithSdk(kind, { HOOKBRIDGE_RETRY_SCHEDULE: '3600,3600' }));
      receiver = await Receiver.start();
    });
    after(async () => {
      await receiver?.close();
      await server?.close();
    });

    it('endpoints: create, get, list, update, pause, resume, delete (resource and flat)', async () => {
      const forward = await hb.inbound.endpoints.create({
        name: 'stripe',
        url: `${receiver.url}/in`,
        mode: 'forward',
      });
      assert.match(forward.secret_token, /^[0-9a-f]{32}$/);
      assert.ok(forward.ingest_url.endsWith(`/v1/webhooks/receive/${forward.id}/${forward.secret_token}`));
      const cli = await hb.createInboundEndpoint({
        name: 'local',
        mode: 'cli',
        idempotencyHeaderNames: ['X-Event-Id'],
      });
      assert.equal(cli.mode, 'cli');
      const got = await hb.getInboundEndpoint(cli.id);
      assert.deepEqual(got.idempotencyHeaderNames, ['X-Event-Id']);
      assert.equal((await hb.inbound.endpoints.get(forward.id)).url, `${receiver.url}/in`);

      const listed = await hb.listInboundEndpoints({ limit: 50 });
      assert.deepEqual(new Set(listed.endpoints.map((e) => e.id)), new Set([forward.id, cli.id]));
      assert.equal((await hb.inbound.endpoints.list()).data.length, 2);

      assert.equal(
        (await hb.inbound.endpoints.update(forward.id, { description: 'from stripe' })).updated,
        true,
      );
      const flatUpdate = await hb.updateInboundEndpoint(cli.id, { name: 'renamed', active: true });
      assert.equal(flatUpdate.name, 'renamed');

      assert.deepEqual(await hb.pauseInboundEndpoint(cli.id), { id: cli.id, paused: true });
      assert.deepEqual(await hb.resumeInboundEndpoint(cli.id), { id: cli.id, paused: false });
      assert.deepEqual(await hb.inbound.endpoints.pause(forward.id), { id: forward.id, paused: true });
      assert.equal((await ingest(forward.ingest_url, { paused: true })).status, 503);
      assert.deepEqual(await hb.inbound.endpoints.resume(forward.id), { id: forward.id, paused: false });

      assert.deepEqual(await hb.deleteInboundEndpoint(cli.id), { id: cli.id, deleted: true });
      assert.deepEqual(await hb.inbound.endpoints.delete(forward.id), { id: forward.id, deleted: true });
    });

    it('signing keys of a signing inbound endpoint, in both shapes; forwards verify with them', async () => {
      const endpoint = await hb.inbound.endpoints.create({
        name: 'signed',
        url: `${receiver.url}/signed`,
        signing_enabled: true,
      });
      assert.match(endpoint.signing_secret!, /^whsec_/);
      const second = await hb.createInboundSigningKey(endpoint.id);
      const keys = await hb.inbound.endpoints.signingKeys.list(endpoint.id);
      assert.deepEqual(keys.map((k) => k.id).sort(), [endpoint.signing_key_id!, second.id].sort());
      const ingested = await ingest(endpoint.ingest_url, { signed: 1 });
      assert.equal(ingested.status, 202);
      const messageId = ((await ingested.json()) as IngestAnswer).data.message_id;
      const [forwarded] = await receiver.waitFor(1, '/signed');
      const verified = verify(forwarded!.body, forwarded!.headers, second.signingSecret);
      assert.deepEqual(verified.payload, { signed: 1 });
      const request = await hb.inbound.messages.delivery(messageId);
      assert.equal(request.url, `${receiver.url}/signed`);
      const body = Buffer.from(request.body, 'base64');
      assert.deepEqual(body, forwarded!.body);
      assert.deepEqual(verify(body, request.headers, endpoint.signing_secret!).payload, { signed: 1 });
      assert.deepEqual(await hb.deleteInboundSigningKey(endpoint.id, endpoint.signing_key_id!), {
        id: endpoint.signing_key_id!,
        deleted: true,
      });
      const flatKeys = await hb.listInboundSigningKeys(endpoint.id);
      assert.deepEqual(
        flatKeys.map((k) => k.id),
        [second.id],
      );
      const third = await hb.inbound.endpoints.signingKeys.create(endpoint.id);
      assert.equal((await hb.inbound.endpoints.signingKeys.delete(endpoint.id, third.id)).deleted, true);
    });

    it('listen polls a cli endpoint page by page', async () => {
      const endpoint = await hb.inbound.endpoints.create({ name: 'poll', mode: 'cli' });
      for (const n of [1, 2, 3]) assert.equal((await ingest(endpoint.ingest_url, { n })).status, 202);
      const page = await hb.inbound.endpoints.listen(endpoint.id);
      assert.deepEqual(
        page.data.map((m) => m.body),
        [{ n: 1 }, { n: 2 }, { n: 3 }],
      );
      assert.equal(page.nextCursor, page.data[2]!.message_id);
      assert.equal((await ingest(endpoint.ingest_url, { n: 4 })).status, 202);
      const next = await hb.inbound.endpoints.listen(endpoint.id, { after: page.nextCursor! });
      assert.deepEqual(
        next.data.map((m) => m.body),
        [{ n: 4 }],
      );
    });

    it('messages: get, attempts, replay, replay-all, replay-batch; logs; rejections; metrics (both shapes)', async () => {
      const endpoint = await hb.inbound.endpoints.create({ name: 'fwd', url: `${receiver.url}/fwd` });
      receiver.respond('/fwd', (_req: unknown, res: ServerResponse) => res.writeHead(500).end());
      const first = ((await (await ingest(endpoint.ingest_url, { n: 'a' })).json()) as IngestAnswer).data
        .message_id;
      const second = ((await (await ingest(endpoint.ingest_url, { n: 'b' })).json()) as IngestAnswer).data
        .message_id;
      await waitStatus(second, 'succeeded');
      const pending = await waitStatus(first, 'pending_retry');
      assert.equal(pending.inbound_endpoint_id, endpoint.id);
      const flat = await hb.getInboundMessage(second);
      assert.equal(flat.inboundEndpointId, endpoint.id);
      assert.equal(flat.attemptCount, 1);

      assert.equal((await hb.inbound.messages.attempts(first)).data[0]!.response_status, 500);
      const flatAttempts = await hb.getInboundMessageAttempts(second);
      assert.equal(flatAttempts.attempts[0]!.responseStatus, 200);

      assert.deepEqual(await hb.replayInboundMessage(second), { messageId: second, status: 'queued' });
      await eventually(async () =>
        (await hb.inbound.messages.get(second)).replay_count === 1 ? true : undefined,
      );
      await waitStatus(second, 'succeeded');
      assert.equal((await hb.inbound.messages.replay(second)).message_id, second);
      await waitStatus(second, 'succeeded');

      const all = await hb.replayAllInboundMessages('succeeded', endpoint.id);
      assert.deepEqual(all.replayedMessageIds, [second]);
      await waitStatus(second, 'succeeded');
      const grouped = await hb.inbound.messages.replayAll({
        status: 'succeeded',
        inbound_endpoint_id: endpoint.id,
        limit: 1,
      });
      assert.equal(grouped.replayed, 1);
      await waitStatus(second, 'succeeded');
      assert.equal((await hb.replayBatchInboundMessages([second])).results[0]!.status, 'replayed');
      await waitStatus(second, 'succeeded');
      assert.equal((await hb.inbound.messages.replayBatch([second])).replayed, 1);
      await waitStatus(second, 'succeeded');

      const logs = await hb.inbound.logs.list({ inbound_endpoint_id: endpoint.id });
      assert.deepEqual(new Set(logs.data.map((m) => m.message_id)), new Set([first, second]));
      const flatLogs = await hb.getInboundLogs({ inboundEndpointId: endpoint.id, status: 'pending_retry' });
      assert.deepEqual(
        flatLogs.entries.map((m) => m.messageId),
        [first],
      );

      const wrongToken = endpoint.ingest_url.replace(endpoint.secret_token, '0'.repeat(32));
      assert.equal((await ingest(wrongToken, { bad: true })).status, 404);
      const rejections = await hb.inbound.rejections.list({ inbound_endpoint_id: endpoint.id });
      assert.deepEqual(
        rejections.data.map((r) => r.reason_code),
        ['invalid_secret'],
      );
      const flatRejections = await hb.listInboundRejections({
        inboundEndpointId: endpoint.id,
        startTime: new Date(Date.now() - 60_000),
      });
      assert.equal(flatRejections.entries[0]!.reasonCode, 'invalid_secret');

      const metrics = await hb.inbound.metrics.get({ inbound_endpoint_id: endpoint.id });
      assert.equal(metrics.total_messages, 2);
      const flatMetrics = await hb.getInboundMetrics('1h', endpoint.id);
      assert.equal(flatMetrics.totalMessages, 2);
      assert.equal(typeof flatMetrics.avgDeliveryTimeMs, 'number');
      const series = await hb.inbound.metrics.timeseries({ window: '1h', inbound_endpoint_id: endpoint.id });
      assert.equal(
        series.buckets.reduce((sum, b) => sum + b.total, 0),
        2,
      );
      const flatSeries = await hb.getInboundTimeseriesMetrics({
        window: '24h',
        inboundEndpointId: endpoint.id,
      });
      assert.equal(flatSeries.buckets.length, 24);
    });
  });
}
