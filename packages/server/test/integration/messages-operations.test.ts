import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createEndpoint, hasStatus, send, waitForMessage } from '../helpers/delivery.js';
import { type Api, client } from '../helpers/http.js';
import { hang, Receiver, status } from '../helpers/receiver.js';
import { createProjectWithKey } from '../helpers/security.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

for (const kind of storeKinds()) {
  describe(`message operations [${kind}]`, () => {
    let server: TestServer;
    let receiver: Receiver;
    let api: Api;
    let path = 0;
    const nextPath = () => `/ops/${++path}`;

    /** A message that reached `final` on a fresh endpoint whose receiver answers `code` first. */
    async function messageIn(code: number, final: string) {
      const target = nextPath();
      receiver.respond(target, status(code));
      const endpoint = await createEndpoint(api, receiver.url + target);
      const id = await send(api, endpoint.id, { code, at: Date.now() });
      await waitForMessage(api, id, hasStatus(final));
      return { id, target, endpoint };
    }
    const setColumns = (id: string, sql: string) =>
      server.store.db.query(`UPDATE messages SET ${sql} WHERE id = $1`, [id]);

    before(async () => {
      ({ server, api } = await startWithClient(kind, {
        HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
        // Retries an hour apart: anything sooner was caused by retry-now or replay.
        HOOKBRIDGE_RETRY_SCHEDULE: '3600,3600',
        HOOKBRIDGE_RETRY_SCHEDULE_429: '3600',
        HOOKBRIDGE_DELIVERY_TIMEOUT_MS: '5000',
      }));
      receiver = await Receiver.start();
    });
    after(async () => {
      await receiver.close();
      await server.close();
    });

    it('replays a succeeded message: same X-Webhook-Id, counts, documented shape', async () => {
      const { id, target } = await messageIn(200, 'succeeded');
      const replay = await api('POST', `/v1/messages/${id}/replay`);
      assert.equal(replay.status, 202, replay.text);
      assert.equal(replay.body.message, 'Message queued for replay');
      assert.deepEqual(replay.body.data, { message_id: id, status: 'queued' });
      assert.match(replay.body.meta.request_id, /^req_/);
      const requests = await receiver.waitFor(2, target);
      assert.equal(requests[1]!.headers['x-webhook-id'], id);
      assert.deepEqual(JSON.parse(requests[1]!.body.toString()), JSON.parse(requests[0]!.body.toString()));
      const message = await waitForMessage(api, id, (m) => m.status === 'succeeded' && m.attempt_count === 2);
      assert.equal(message.replay_count, 1);
    });

    it('replays a dead-lettered message with a fresh retry budget', async () => {
      const { id, target } = await messageIn(400, 'failed_permanent');
      const replay = await api('POST', `/v1/messages/${id}/replay`);
      assert.equal(replay.status, 202, replay.text);
      await receiver.waitFor(2, target);
      const message = await waitForMessage(api, id, hasStatus('succeeded'));
      assert.equal(message.attempt_count, 2);
      assert.equal(message.failed_at, undefined);
      const [row] = await server.store.db.query<{ retry_base: number }>(
        'SELECT retry_base FROM messages WHERE id = $1',
        [id],
      );
      assert.equal(row!.retry_base, 1, 'the attempt before the replay no longer counts against the policy');
    });

    it('500 then cancel: pending_retry → failed_permanent, nothing more is delivered', async () => {
      const target = nextPath();
      receiver.respond(target, status(500));
      const endpoint = await createEndpoint(api, receiver.url + target);
      const id = await send(api, endpoint.id, { cancel: true });
      await waitForMessage(api, id, hasStatus('pending_retry'));
      const cancelled = await api('POST', `/v1/messages/${id}/cancel`);
      assert.equal(cancelled.status, 200, cancelled.text);
      assert.deepEqual(cancelled.body.data, { message_id: id, status: 'failed_permanent' });
      const message = await waitForMessage(api, id, hasStatus('failed_permanent'));
      assert.equal(message.last_error, 'cancelled');
      assert.ok(message.failed_at);
      assert.equal(message.next_attempt_at, undefined);
      const again = await api('POST', `/v1/messages/${id}/cancel`);
      assert.equal(again.status, 400, again.text);
      assert.equal(again.body.error.code, 'INVALID_STATUS');
      assert.equal(
        again.body.error.message,
        'Message is not in pending_retry status (current: failed_permanent)',
      );
      const retry = await api('POST', `/v1/messages/${id}/retry-now`);
      assert.equal(retry.status, 400, retry.text);
      assert.equal(retry.body.error.code, 'INVALID_STATUS');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(receiver.for(target).length, 1);
    });

    it('500 then retry-now: the retry arrives at once, not an hour later', async () => {
      const target = nextPath();
      receiver.respond(target, status(500));
      const endpoint = await createEndpoint(api, receiver.url + target);
      const id = await send(api, endpoint.id, { retryNow: true });
      await waitForMessage(api, id, hasStatus('pending_retry'));
      const asked = Date.now();
      const retry = await api('POST', `/v1/messages/${id}/retry-now`);
      assert.equal(retry.status, 202, retry.text);
      assert.equal(retry.body.message, 'Retry scheduled for immediate pickup');
      assert.deepEqual(retry.body.data, { message_id: id, status: 'pending_retry' });
      const requests = await receiver.waitFor(2, target, 5000);
      assert.ok(requests[1]!.at - asked < 2000, 'delivered within seconds');
      const message = await waitForMessage(api, id, hasStatus('succeeded'));
      assert.equal(message.attempt_count, 2);
    });

    it('refuses to replay while a retry is scheduled, queued or being delivered', async () => {
      const pendingPath = nextPath();
      receiver.respond(pendingPath, status(500));
      const pendingEndpoint = await createEndpoint(api, receiver.url + pendingPath);
      const pending = await send(api, pendingEndpoint.id, { p: 1 });
      await waitForMessage(api, pending, hasStatus('pending_retry'));
      const retrying = await api('POST', `/v1/messages/${pending}/replay`);
      assert.equal(retrying.status, 409, retrying.text);
      assert.equal(retrying.body.error.code, 'RETRY_IN_PROGRESS');

      const paused = await createEndpoint(api, `${receiver.url}${nextPath()}`);
      assert.equal((await api('POST', `/v1/endpoints/${paused.id}/pause`)).status, 200);
      const held = await send(api, paused.id, { held: true });
      const queued = await api('POST', `/v1/messages/${held}/replay`);
      assert.equal(queued.status, 409, queued.text);
      assert.equal(queued.body.error.code, 'DELIVERY_IN_PROGRESS');
      const cancel = await api('POST', `/v1/messages/${held}/cancel`);
      assert.equal(cancel.status, 400);
      assert.equal(cancel.body.error.message, 'Message is not in pending_retry status (current: queued)');

      const slowPath = nextPath();
      receiver.respond(slowPath, hang);
      const slow = await createEndpoint(api, receiver.url + slowPath);
      const inFlight = await send(api, slow.id, { slow: true });
      await receiver.waitFor(1, slowPath);
      const delivering = await api('POST', `/v1/messages/${inFlight}/replay`);
      assert.equal(delivering.status, 409, delivering.text);
      assert.equal(delivering.body.error.code, 'DELIVERY_IN_PROGRESS');
      const cancelling = await api('POST', `/v1/messages/${inFlight}/cancel`);
      assert.equal(
        cancelling.body.error.message,
        'Message is not in pending_retry status (current: delivering)',
      );
    });

    it('allows 10 replays per message, then answers 429 REPLAY_LIMIT_EXCEEDED', async () => {
      const { id, target } = await messageIn(200, 'succeeded');
      for (let n = 1; n <= 10; n++) {
        const replay = await api('POST', `/v1/messages/${id}/replay`);
        assert.equal(replay.status, 202, `replay ${n}: ${replay.text}`);
        await receiver.waitFor(n + 1, target);
        await waitForMessage(api, id, (m) => m.status === 'succeeded' && m.replay_count === n);
      }
      const refused = await api('POST', `/v1/messages/${id}/replay`);
      assert.equal(refused.status, 429, refused.text);
      assert.equal(refused.body.error.code, 'REPLAY_LIMIT_EXCEEDED');
      assert.equal(receiver.for(target).length, 11);
    });

    it('concurrent replays cannot pass the limit', async () => {
      const { id } = await messageIn(200, 'succeeded');
      await setColumns(id, 'replay_count = 9');
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => api('POST', `/v1/messages/${id}/replay`)),
      );
      const accepted = answers.filter((a) => a.status === 202);
      assert.equal(accepted.length, 1, answers.map((a) => a.status).join(','));
      for (const answer of answers.filter((a) => a.status !== 202)) {
        assert.ok([409, 429].includes(answer.status), answer.text);
      }
      const message = await waitForMessage(api, id, hasStatus('succeeded'));
      assert.equal(message.replay_count, 10);
    });

    it('answers 410 when the payload is gone or its retention has passed, 404 when the endpoint was deleted', async () => {
      const gone = await messageIn(200, 'succeeded');
      await setColumns(gone.id, 'payload = NULL, payload_deleted_at = now()');
      const unavailable = await api('POST', `/v1/messages/${gone.id}/replay`);
      assert.equal(unavailable.status, 410, unavailable.text);
      assert.equal(unavailable.body.error.code, 'PAYLOAD_UNAVAILABLE');

      const old = await messageIn(200, 'succeeded');
      await setColumns(old.id, `delivered_at = now() - interval '31 days'`);
      const expired = await api('POST', `/v1/messages/${old.id}/replay`);
      assert.equal(expired.status, 410, expired.text);
      assert.equal(expired.body.error.code, 'RETENTION_EXPIRED');

      const orphan = await messageIn(200, 'succeeded');
      assert.equal((await api('DELETE', `/v1/endpoints/${orphan.endpoint.id}`)).status, 200);
      const deleted = await api('POST', `/v1/messages/${orphan.id}/replay`);
      assert.equal(deleted.status, 404, deleted.text);
      assert.equal(deleted.body.error.code, 'ENDPOINT_NOT_FOUND');
    });

    it('answers 404 for unknown and malformed ids', async () => {
      for (const op of ['replay', 'cancel', 'retry-now']) {
        for (const id of [randomUUID(), 'not-a-uuid']) {
          const response = await api('POST', `/v1/messages/${id}/${op}`);
          assert.equal(response.status, 404, `${op} ${id}: ${response.text}`);
          assert.equal(response.body.error.code, 'MESSAGE_NOT_FOUND');
        }
      }
    });

    it('replay-batch: a result per id, unknown and foreign ids fail, at most 100 ids', async () => {
      const ok = await messageIn(200, 'succeeded');
      const dead = await messageIn(400, 'failed_permanent');
      const pendingPath = nextPath();
      receiver.respond(pendingPath, status(500));
      const pendingEndpoint = await createEndpoint(api, receiver.url + pendingPath);
      const pending = await send(api, pendingEndpoint.id, { p: 2 });
      await waitForMessage(api, pending, hasStatus('pending_retry'));
      const other = await createProjectWithKey(server, `batch-${Date.now()}`);
      const otherApi = client(server.url, other.apiKey);
      const foreignEndpoint = await createEndpoint(otherApi, `${receiver.url}${nextPath()}`);
      const foreign = await send(otherApi, foreignEndpoint.id, { foreign: true });
      const unknown = randomUUID();

      const response = await api('POST', '/v1/messages/replay-batch', {
        body: { message_ids: [ok.id, dead.id, pending, foreign, unknown, 'junk'] },
      });
      assert.equal(response.status, 202, response.text);
      assert.equal(typeof response.body.message, 'string');
      const data = response.body.data;
      assert.equal(data.replayed, 2);
      assert.equal(data.failed, 4);
      assert.equal(data.stuck, 0);
      assert.deepEqual(data.results, [
        { message_id: ok.id, status: 'replayed' },
        { message_id: dead.id, status: 'replayed' },
        { message_id: pending, status: 'failed', error: 'message not replayable' },
        { message_id: foreign, status: 'failed', error: 'message not found' },
        { message_id: unknown, status: 'failed', error: 'message not found' },
        { message_id: 'junk', status: 'failed', error: 'message not found' },
      ]);
      await receiver.waitFor(2, ok.target);
      await receiver.waitFor(2, dead.target);

      const tooMany = await api('POST', '/v1/messages/replay-batch', {
        body: { message_ids: Array.from({ length: 101 }, () => randomUUID()) },
      });
      assert.equal(tooMany.status, 400, tooMany.text);
      assert.equal(tooMany.body.error.code, 'INVALID_REQUEST');
      for (const body of [{}, { message_ids: [] }, { message_ids: 'x' }, { message_ids: [1] }]) {
        const bad = await api('POST', '/v1/messages/replay-batch', { body });
        assert.equal(bad.status, 400, `${JSON.stringify(body)}: ${bad.text}`);
      }
    });

    it('replay-all: status required, filters by endpoint, honours limit, reports stuck', async () => {
      const target = nextPath();
      receiver.respond(target, status(400), status(400), status(400));
      const endpoint = await createEndpoint(api, receiver.url + target);
      const ids = [];
      for (let n = 0; n < 3; n++) ids.push(await send(api, endpoint.id, { n }));
      for (const id of ids) await waitForMessage(api, id, hasStatus('failed_permanent'));

      const missing = await api('POST', '/v1/messages/replay-all');
      assert.equal(missing.status, 400, missing.text);
      assert.equal(missing.body.error.code, 'INVALID_REQUEST');
      const badStatus = await api('POST', '/v1/messages/replay-all?status=paused');
      assert.equal(badStatus.status, 400, badStatus.text);
      const badEndpoint = await api(
        'POST',
        '/v1/messages/replay-all?status=failed_permanent&endpoint_id=nope',
      );
      assert.equal(badEndpoint.status, 400, badEndpoint.text);
      const badLimit = await api('POST', '/v1/messages/replay-all?status=failed_permanent&limit=1001');
      assert.equal(badLimit.status, 400, badLimit.text);

      const first = await api(
        'POST',
        `/v1/messages/replay-all?status=failed_permanent&endpoint_id=${endpoint.id}&limit=2`,
      );
      assert.equal(first.status, 202, first.text);
      assert.equal(typeof first.body.message, 'string');
      assert.deepEqual(first.body.data, {
        replayed: 2,
        failed: 0,
        stuck: 0,
        replayed_message_ids: ids.slice(0, 2),
        stuck_message_ids: [],
      });
      await receiver.waitFor(5, target);
      const rest = await api(
        'POST',
        `/v1/messages/replay-all?status=failed_permanent&endpoint_id=${endpoint.id}`,
      );
      assert.deepEqual(rest.body.data.replayed_message_ids, [ids[2]]);

      const slowPath = nextPath();
      receiver.respond(slowPath, hang);
      const slow = await createEndpoint(api, receiver.url + slowPath);
      const inFlight = await send(api, slow.id, { slow: true });
      await receiver.waitFor(1, slowPath);
      const stuck = await api('POST', `/v1/messages/replay-all?status=delivering&endpoint_id=${slow.id}`);
      assert.equal(stuck.status, 202, stuck.text);
      assert.deepEqual(stuck.body.data, {
        replayed: 0,
        failed: 0,
        stuck: 1,
        replayed_message_ids: [],
        stuck_message_ids: [inFlight],
      });
    });

    describe("another project's message", () => {
      let foreignMessage: string;
      before(async () => {
        const other = await createProjectWithKey(server, `sec-${Date.now()}`);
        const otherApi = client(server.url, other.apiKey);
        const endpoint = await createEndpoint(otherApi, `${receiver.url}${nextPath()}`);
        foreignMessage = await send(otherApi, endpoint.id, { foreign: true });
        await waitForMessage(otherApi, foreignMessage, hasStatus('succeeded'));
      });

      it("lists no attempts for another project's message", async () => {
        const response = await api('GET', `/v1/messages/${foreignMessage}/attempts`);
        assert.equal(response.status, 200, response.text);
        assert.deepEqual(response.body.data, []);
      });
    });
  });
}
