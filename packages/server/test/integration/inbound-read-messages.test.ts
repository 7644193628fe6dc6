import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newUuid } from '../../src/lib/ids.js';
import { type Api, client, type ResponseBody } from '../helpers/http.js';
import {
  insertInboundAttempts,
  insertInboundEndpoint,
  insertInboundMessage,
  type MessageFixture,
} from '../helpers/inbound-fixtures.js';
import { Receiver } from '../helpers/receiver.js';
import { createProjectWithKey } from '../helpers/security.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

for (const kind of storeKinds()) {
  describe(`inbound messages: get, attempts, replay [${kind}]`, () => {
    let server: TestServer;
    let receiver: Receiver;
    let api: Api;
    let forward: string;
    let cli: string;
    let path = 0;

    before(async () => {
      ({ server, api } = await startWithClient(kind, { HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true' }));
      receiver = await Receiver.start();
      forward = await endpoint('forward');
      cli = await endpoint('cli');
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });

    async function endpoint(mode: 'forward' | 'cli', deleted = false) {
      const url = mode === 'forward' ? `${receiver.url}/in/${++path}` : null;
      return insertInboundEndpoint(server.store.db, server.projectId, { mode, url, deleted });
    }
    const message = (endpointId: string, fixture: MessageFixture = {}) =>
      insertInboundMessage(server.store.db, server.projectId, endpointId, fixture);
    async function row(id: string) {
      const [found] = await server.store.db.query<Record<string, unknown>>(
        'SELECT * FROM inbound_messages WHERE id = $1',
        [id],
      );
      assert.ok(found, `inbound message ${id} is stored`);
      return found;
    }

    it('gets a message with the documented fields; received_at is when it arrived', async () => {
      const createdAt = new Date('2026-01-05T10:00:00.000Z');
      const id = await message(forward, { createdAt, deliveryMs: 2500, idempotencyKey: 'evt_1' });
      const response = await api('GET', `/v1/inbound-messages/${id}`);
      assert.equal(response.status, 200, response.text);
      const data = response.body.data;
      assert.equal(data.id, id);
      assert.equal(data.project_id, server.projectId);
      assert.equal(data.inbound_endpoint_id, forward);
      assert.equal(data.status, 'succeeded');
      assert.equal(data.received_at, '2026-01-05T10:00:00Z');
      assert.equal(data.delivered_at, '2026-01-05T10:00:02Z');
      assert.equal(data.total_delivery_ms, 2500);
      assert.equal(data.queue_wait_ms, 100);
      assert.equal(data.attempt_count, 1);
      assert.equal(data.replay_count, 0);
      assert.equal(data.idempotency_key, 'evt_1');
      assert.equal(data.response_status, 200);
      assert.equal(data.content_type, 'application/json');
      assert.match(data.payload_sha256, /^[0-9a-f]{64}$/);
      assert.ok(data.updated_at);
      assert.equal('next_attempt_at' in data, false);
      assert.equal('failed_at' in data, false);
      assert.match(response.body.meta.request_id, /^req_/);
    });

    it('answers 404 MESSAGE_NOT_FOUND for an unknown or malformed id', async () => {
      for (const id of [newUuid(), 'inm_01935abc', 'not a uuid']) {
        const response = await api('GET', `/v1/inbound-messages/${encodeURIComponent(id)}`);
        assert.equal(response.status, 404, response.text);
        assert.equal(response.body.error.code, 'MESSAGE_NOT_FOUND');
      }
    });

    it('lists attempts oldest first without processing_ms; an unknown id answers 200 []', async () => {
      const id = await message(forward, { attemptCount: 2 });
      await insertInboundAttempts(server.store.db, server.projectId, forward, id, [120, 80]);
      const response = await api<ResponseBody<'/v1/inbound-messages/{id}/attempts', 'get'>>(
        'GET',
        `/v1/inbound-messages/${id}/attempts`,
      );
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(
        response.body.data.map((a) => [a.attempt_no, a.response_latency_ms, a.response_status]),
        [
          [1, 120, 200],
          [2, 80, 200],
        ],
      );
      const [first] = response.body.data;
      assert.ok(first);
      assert.deepEqual(first.response_headers, { 'x-reply': 'yes' });
      for (const hidden of ['processing_ms', 'message_id', 'project_id', 'inbound_endpoint_id']) {
        assert.equal(hidden in first, false, hidden);
      }
      assert.equal(response.body.meta.has_more, false);
      for (const unknown of [newUuid(), 'nope']) {
        const empty = await api('GET', `/v1/inbound-messages/${unknown}/attempts`);
        assert.equal(empty.status, 200, empty.text);
        assert.deepEqual(empty.body.data, []);
      }
    });

    it('caps the attempts at 200 with has_more', async () => {
      const id = await message(forward, { attemptCount: 201 });
      await server.store.db.query(
        `INSERT INTO inbound_attempts (id, message_id, project_id, inbound_endpoint_id, attempt_no, created_at)
         SELECT gen_random_uuid(), $1, $2, $3, n, now() FROM generate_series(1, 201) AS n`,
        [id, server.projectId, forward],
      );
      const response = await api('GET', `/v1/inbound-messages/${id}/attempts`);
      assert.equal(response.body.data.length, 200);
      assert.equal(response.body.meta.has_more, true);
    });

    it('replays a forwarded message: queued again, and the receiver gets the stored body', async () => {
      const body = Buffer.from('{"provider":"stripe","n":1}');
      const id = await message(forward, { status: 'failed_permanent', body, attemptCount: 8 });
      const target = `/in/${path}`;
      const response = await api('POST', `/v1/inbound-messages/${id}/replay`);
      assert.equal(response.status, 202, response.text);
      assert.deepEqual(response.body.data, { message_id: id, status: 'queued' });
      assert.equal(response.body.message, 'Inbound message queued for replay');
      const [request] = await receiver.waitFor(1, target);
      assert.deepEqual(request!.body, body);
      const replayed = await row(id);
      assert.equal(replayed.replay_count, 1);
      assert.equal(replayed.retry_base, 8);
      assert.ok(replayed.payload_expires_at, 'retention is stamped so the replay does not extend it');
    });

    it('replays a cli-mode message by offering it to the CLI again', async () => {
      const id = await message(cli, { status: 'succeeded', handedOver: true });
      const response = await api('POST', `/v1/inbound-messages/${id}/replay`);
      assert.equal(response.status, 202, response.text);
      const replayed = await row(id);
      assert.equal(replayed.status, 'queued');
      assert.equal(replayed.handed_over_at, null);
      assert.equal(replayed.next_attempt_at, null);
      assert.equal(replayed.replay_count, 1);
    });

    it('replays a cli-mode message handed over but never answered; not one still waiting', async () => {
      const answered = await message(cli, { status: 'queued', handedOver: true });
      assert.equal((await api('POST', `/v1/inbound-messages/${answered}/replay`)).status, 202);
      assert.equal((await row(answered)).handed_over_at, null);
      const waiting = await message(cli, { status: 'queued' });
      const refused = await api('POST', `/v1/inbound-messages/${waiting}/replay`);
      assert.equal(refused.status, 409, refused.text);
      assert.equal(refused.body.error.code, 'DELIVERY_IN_PROGRESS');
    });

    it('refuses replays as outbound does: 409, 429, 410 and 404', async () => {
      const cases: Array<[MessageFixture, number, string]> = [
        [{ status: 'queued' }, 409, 'DELIVERY_IN_PROGRESS'],
        [{ status: 'delivering' }, 409, 'DELIVERY_IN_PROGRESS'],
        [{ status: 'pending_retry' }, 409, 'RETRY_IN_PROGRESS'],
        [{ status: 'succeeded', replayCount: 10 }, 429, 'REPLAY_LIMIT_EXCEEDED'],
        [{ status: 'succeeded', body: null }, 410, 'PAYLOAD_UNAVAILABLE'],
        [
          { status: 'failed_permanent', payloadExpiresAt: new Date(Date.now() - 1000) },
          410,
          'RETENTION_EXPIRED',
        ],
        [
          { status: 'succeeded', createdAt: new Date(Date.now() - 40 * 86_400_000) },
          410,
          'RETENTION_EXPIRED',
        ],
      ];
      for (const [fixture, status, code] of cases) {
        const id = await message(forward, fixture);
        const response = await api('POST', `/v1/inbound-messages/${id}/replay`);
        assert.equal(response.status, status, `${JSON.stringify(fixture)}: ${response.text}`);
        assert.equal(response.body.error.code, code);
        assert.equal((await row(id)).replay_count, fixture.replayCount ?? 0, 'nothing changed');
      }
      const gone = await message(await endpoint('forward', true), { status: 'succeeded' });
      const deleted = await api('POST', `/v1/inbound-messages/${gone}/replay`);
      assert.equal(deleted.status, 404, deleted.text);
      const unknown = await api('POST', `/v1/inbound-messages/${newUuid()}/replay`);
      assert.equal(unknown.body.error.code, 'MESSAGE_NOT_FOUND');
    });

    it('stops at 10 replays per message', async () => {
      const id = await message(cli, { status: 'succeeded', replayCount: 5 });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const response = await api('POST', `/v1/inbound-messages/${id}/replay`);
        statuses.push(response.status);
        await server.store.db.query("UPDATE inbound_messages SET status = 'succeeded' WHERE id = $1", [id]);
      }
      assert.deepEqual(statuses, [202, 202, 202, 202, 202, 429]);
      assert.equal((await row(id)).replay_count, 10);
    });

    it('replay-all replays the oldest messages in a status, optionally of one endpoint', async () => {
      const other = await endpoint('cli');
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push(await message(other, { status: 'failed_permanent' }));
      const elsewhere = await message(cli, { status: 'failed_permanent' });
      const response = await api(
        'POST',
        `/v1/inbound-messages/replay-all?status=failed_permanent&inbound_endpoint_id=${other}&limit=2`,
      );
      assert.equal(response.status, 202, response.text);
      assert.equal(response.body.message, '2 inbound messages queued for replay');
      assert.deepEqual(response.body.data, {
        replayed: 2,
        failed: 0,
        stuck: 0,
        replayed_message_ids: ids.slice(0, 2),
        stuck_message_ids: [],
      });
      assert.equal((await row(ids[2]!)).status, 'failed_permanent');
      assert.equal((await row(elsewhere)).status, 'failed_permanent');
    });

    it('replay-all answers 400 without a valid status or with a malformed endpoint id or limit', async () => {
      for (const query of [
        '',
        'status=paused',
        `status=succeeded&inbound_endpoint_id=ep_${'a'.repeat(32)}`,
        'status=succeeded&limit=0',
        'status=succeeded&limit=1001',
      ]) {
        const response = await api('POST', `/v1/inbound-messages/replay-all?${query}`);
        assert.equal(response.status, 400, `${query}: ${response.text}`);
        assert.equal(response.body.error.code, 'INVALID_REQUEST');
      }
    });

    it('replay-batch gives a result per id: replayed, stuck, not replayable, not found', async () => {
      const ok = await message(cli, { status: 'succeeded' });
      const busy = await message(forward, { status: 'delivering' });
      const waiting = await message(forward, { status: 'pending_retry' });
      const missing = newUuid();
      const response = await api('POST', '/v1/inbound-messages/replay-batch', {
        body: { message_ids: [ok, busy, waiting, missing, 'inm_01935abc', ok.toUpperCase()] },
      });
      assert.equal(response.status, 202, response.text);
      assert.equal(response.body.message, '1 inbound message queued for replay');
      const { replayed, failed, stuck, results } = response.body.data;
      assert.deepEqual([replayed, failed, stuck], [1, 3, 1]);
      assert.deepEqual(results, [
        { message_id: ok, status: 'replayed' },
        { message_id: busy, status: 'failed', error: 'message is being delivered' },
        { message_id: waiting, status: 'failed', error: 'message not replayable' },
        { message_id: missing, status: 'failed', error: 'message not found' },
        { message_id: 'inm_01935abc', status: 'failed', error: 'message not found' },
      ]);
    });

    it('replay-batch answers 400 for more than 100 ids, none, or a body that is not a list', async () => {
      const ids = Array.from({ length: 101 }, () => newUuid());
      for (const body of [{ message_ids: ids }, { message_ids: [] }, { message_ids: 'x' }, {}]) {
        const response = await api('POST', '/v1/inbound-messages/replay-batch', { body });
        assert.equal(response.status, 400, response.text);
        assert.equal(response.body.error.code, 'INVALID_REQUEST');
      }
    });

    describe('another project', () => {
      it("cannot see or replay this project's messages", async () => {
        const id = await message(cli, { status: 'succeeded' });
        const other = await createProjectWithKey(server, `peer-${Date.now()}`);
        const peer = client(server.url, other.apiKey);
        assert.equal((await peer('GET', `/v1/inbound-messages/${id}`)).status, 404);
        assert.deepEqual((await peer('GET', `/v1/inbound-messages/${id}/attempts`)).body.data, []);
        assert.equal((await peer('POST', `/v1/inbound-messages/${id}/replay`)).status, 404);
        const batch = await peer('POST', '/v1/inbound-messages/replay-batch', {
          body: { message_ids: [id] },
        });
        assert.deepEqual(batch.body.data.results, [
          { message_id: id, status: 'failed', error: 'message not found' },
        ]);
        const all = await peer('POST', '/v1/inbound-messages/replay-all?status=succeeded');
        assert.equal(all.body.data.replayed, 0);
        assert.equal((await row(id)).replay_count, 0);
      });
    });
  });
}
