import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MESSAGES_CHANNEL } from '../../src/delivery/channels.js';
import { newUuid } from '../../src/lib/ids.js';
import type { Api } from '../helpers/http.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

const freshUrl = () => `https://93.184.215.14/hook/${randomUUID()}`;

type Status = 'queued' | 'delivering' | 'succeeded' | 'pending_retry' | 'failed_permanent';

interface MessageState {
  status: Status;
  held: boolean;
  next_attempt_at: Date | null;
  last_error: string | null;
  failed_at: Date | null;
  due: boolean | null;
}

for (const kind of storeKinds()) {
  describe(`endpoint pause, resume and delete: effect on messages [${kind}]`, () => {
    let server: TestServer;
    let api: Api;

    before(async () => {
      ({ server, api } = await startWithClient(kind));
    });
    after(() => server.close());

    async function newEndpoint(): Promise<string> {
      const created = await api('POST', '/v1/endpoints', { body: { url: freshUrl() } });
      assert.equal(created.status, 201, created.text);
      return created.body.data.id;
    }

    /**
     * A message row as the send API writes it. Waiting messages are scheduled an hour ahead, and the
     * 'delivering' one holds a lease, so a delivery worker running in the test server never claims them.
     */
    async function insertMessage(endpointId: string, status: Status, held = false): Promise<string> {
      const id = newUuid();
      const payload = Buffer.from(JSON.stringify({ event: 'test', id }));
      const waiting = status === 'queued' || status === 'pending_retry';
      await server.store.db.query(
        `INSERT INTO messages (id, project_id, endpoint_id, mode, status, held, payload, size_bytes,
                               payload_sha256, next_attempt_at, locked_until, locked_by)
         VALUES ($1, $2, $3, 'live', $4, $5, $6, $7, $8,
                 CASE WHEN $9 THEN now() + interval '1 hour' END,
                 CASE WHEN $4 = 'delivering' THEN now() + interval '1 hour' END,
                 CASE WHEN $4 = 'delivering' THEN 'test-worker' END)`,
        [
          id,
          server.projectId,
          endpointId,
          status,
          held,
          payload,
          payload.length,
          createHash('sha256').update(payload).digest('hex'),
          waiting,
        ],
      );
      return id;
    }

    async function state(id: string): Promise<MessageState> {
      const rows = await server.store.db.query<MessageState>(
        `SELECT status, held, next_attempt_at, last_error, failed_at, next_attempt_at <= now() AS due
           FROM messages WHERE id = $1`,
        [id],
      );
      return rows[0]!;
    }

    async function oneOfEach(endpointId: string) {
      return {
        queued: await insertMessage(endpointId, 'queued'),
        retrying: await insertMessage(endpointId, 'pending_retry'),
        delivering: await insertMessage(endpointId, 'delivering'),
        succeeded: await insertMessage(endpointId, 'succeeded'),
        failed: await insertMessage(endpointId, 'failed_permanent'),
      };
    }

    it('pause holds queued and retrying messages; resume releases them and wakes the workers', async () => {
      const endpointId = await newEndpoint();
      const bystander = await newEndpoint();
      const ids = await oneOfEach(endpointId);
      const untouched = await insertMessage(bystander, 'queued');
      const retryAt = (await state(ids.retrying)).next_attempt_at!;

      const paused = await api('POST', `/v1/endpoints/${endpointId}/pause`);
      assert.equal(paused.status, 200, paused.text);
      assert.deepEqual(paused.body.data, { id: endpointId, paused: true });
      assert.equal((await api('GET', `/v1/endpoints/${endpointId}`)).body.data.paused, true);
      const row = (await api('GET', '/v1/endpoints?limit=100')).body.data.find(
        (e: { id: string }) => e.id === endpointId,
      );
      assert.equal(row.paused, true);
      assert.equal((await state(ids.queued)).held, true);
      assert.equal((await state(ids.retrying)).held, true);
      for (const other of [ids.delivering, ids.succeeded, ids.failed, untouched]) {
        assert.equal((await state(other)).held, false);
      }
      assert.equal((await api('POST', `/v1/endpoints/${endpointId}/pause`)).status, 200, 'idempotent');
      // A message a send stored while paused arrives held.
      const sentWhilePaused = await insertMessage(endpointId, 'queued', true);

      const woken: string[] = [];
      const unlisten = await server.store.db.listen(MESSAGES_CHANNEL, (payload) => woken.push(payload));
      try {
        const resumed = await api('POST', `/v1/endpoints/${endpointId}/resume`);
        assert.equal(resumed.status, 200, resumed.text);
        assert.deepEqual(resumed.body.data, { id: endpointId, paused: false, messages_requeued: 3 });
        for (let i = 0; i < 100 && woken.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
        assert.ok(woken.length > 0, 'resume notifies the delivery workers');
      } finally {
        await unlisten();
      }
      assert.equal((await api('GET', `/v1/endpoints/${endpointId}`)).body.data.paused, false);
      for (const id of [ids.queued, sentWhilePaused]) {
        const after = await state(id);
        assert.equal(after.held, false);
        // Due at once; a worker in the test server may already have picked it up.
        assert.ok(after.status !== 'queued' || after.due, `queued message is due: ${JSON.stringify(after)}`);
      }
      const retrying = await state(ids.retrying);
      assert.equal(retrying.held, false);
      assert.equal(retrying.status, 'pending_retry');
      assert.equal(retrying.next_attempt_at!.getTime(), retryAt.getTime(), 'a retry keeps its schedule');
      assert.equal((await state(ids.delivering)).status, 'delivering');

      const again = await api('POST', `/v1/endpoints/${endpointId}/resume`);
      assert.deepEqual(again.body.data, { id: endpointId, paused: false, messages_requeued: 0 });
    });

    it('delete fails queued and retrying messages permanently and leaves deliveries in flight alone', async () => {
      const endpointId = await newEndpoint();
      const bystander = await newEndpoint();
      const ids = await oneOfEach(endpointId);
      const heldOne = await insertMessage(endpointId, 'queued', true);
      const untouched = await insertMessage(bystander, 'pending_retry');

      const removed = await api('DELETE', `/v1/endpoints/${endpointId}`);
      assert.equal(removed.status, 200, removed.text);
      assert.deepEqual(removed.body.data, { id: endpointId, deleted: true });

      for (const id of [ids.queued, ids.retrying, heldOne]) {
        const after = await state(id);
        assert.equal(after.status, 'failed_permanent');
        assert.equal(after.last_error, 'endpoint deleted');
        assert.ok(after.failed_at instanceof Date);
        assert.equal(after.next_attempt_at, null);
        assert.equal(after.held, false);
      }
      const delivering = await state(ids.delivering);
      assert.equal(delivering.status, 'delivering');
      assert.equal(delivering.last_error, null);
      assert.equal((await state(ids.succeeded)).status, 'succeeded');
      const failed = await state(ids.failed);
      assert.equal(failed.last_error, null, 'already-failed messages keep their own error');
      const other = await state(untouched);
      assert.equal(other.status, 'pending_retry');
      assert.ok(other.next_attempt_at instanceof Date);

      assert.equal((await api('GET', `/v1/endpoints/${endpointId}`)).status, 404);
      assert.equal((await api('POST', `/v1/endpoints/${endpointId}/resume`)).status, 404);
    });
  });
}
