import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { attemptsOf, createEndpoint, hasStatus, send, waitForMessage } from '../helpers/delivery.js';
import { type Api, call, client, type ResponseBody } from '../helpers/http.js';
import { createInbound, ingest } from '../helpers/inbound.js';
import { Receiver, status } from '../helpers/receiver.js';
import { createProjectWithKey } from '../helpers/security.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

/** A stored row's columns, compared as they are. */
type StoredRow = Record<string, unknown>;

async function row(server: TestServer, table: string, id: string): Promise<StoredRow> {
  const [found] = await server.store.db.query<StoredRow>(`SELECT * FROM ${table} WHERE id = $1`, [id]);
  assert.ok(found, `${table} ${id} is stored`);
  return found;
}
const attemptRows = (server: TestServer, table: string, id: string) =>
  server.store.db.query<StoredRow>(`SELECT * FROM ${table} WHERE message_id = $1 ORDER BY attempt_no`, [id]);

for (const kind of storeKinds()) {
  describe(`message deletion [${kind}]`, () => {
    let server: TestServer;
    let receiver: Receiver;
    let api: Api;
    let endpoint: { id: string };
    let keyId: string;

    before(async () => {
      ({ server, api } = await startWithClient(kind, {
        HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
        HOOKBRIDGE_RETRY_SCHEDULE: '3600',
        HOOKBRIDGE_LISTEN_HOLD_MS: '0',
      }));
      receiver = await Receiver.start();
      receiver.setDefault((_req, res) => res.writeHead(200, { 'x-secret': 'reply' }).end('receiver-secret'));
      endpoint = await createEndpoint(api, `${receiver.url}/ok`);
      const keys = await api<ResponseBody<'/v1/api-keys', 'get'>>('GET', '/v1/api-keys');
      const own = keys.body.data.find((k) => server.apiKey.startsWith(k.prefix));
      assert.ok(own, 'the bootstrap key is listed');
      keyId = own.key_id;
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });

    it('erases the payload, headers, idempotency key and attempt bodies at once; a second call reports already_deleted', async () => {
      const id = await send(
        api,
        endpoint.id,
        { secret: 'payload' },
        { idempotency_key: 'once', headers: { 'X-A': '1' } },
      );
      await waitForMessage(api, id, hasStatus('succeeded'));
      assert.equal((await attemptRows(server, 'attempts', id))[0]?.response_body, 'receiver-secret');

      const first = await api('DELETE', `/v1/messages/${id}`);
      assert.equal(first.status, 200, first.text);
      assert.equal(first.body.data.message_id, id);
      assert.equal(first.body.data.already_deleted, false);
      assert.match(first.body.data.deleted_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

      const stored = await row(server, 'messages', id);
      assert.equal(stored.payload, null);
      assert.deepEqual(stored.headers, {});
      assert.equal(stored.idempotency_key, null);
      assert.equal(stored.deleted_by_api_key_id, keyId);
      assert.equal(stored.status, 'succeeded', 'a final message keeps its status');
      for (const attempt of await attemptRows(server, 'attempts', id)) {
        assert.equal(attempt.response_body, null);
        assert.equal(attempt.response_headers, null);
        assert.equal(attempt.request_headers, null);
        assert.equal(attempt.response_status, 200, 'the outcome stays for metrics');
      }

      const second = await api('DELETE', `/v1/messages/${id}`);
      assert.equal(second.status, 200);
      assert.equal(second.body.data.already_deleted, true);
      assert.equal(second.body.data.deleted_at, first.body.data.deleted_at);

      const message = await api('GET', `/v1/messages/${id}`);
      assert.equal(message.body.data.deleted_at, first.body.data.deleted_at);
      assert.equal(message.body.data.deleted_by_api_key_id, keyId);
      assert.equal(message.body.data.idempotency_key, undefined);
      const replay = await api('POST', `/v1/messages/${id}/replay`);
      assert.equal(replay.status, 410, replay.text);

      const again = await send(api, endpoint.id, { secret: 'other' }, { idempotency_key: 'once' });
      assert.notEqual(again, id, 'the idempotency key of a deleted message is free again');
      await waitForMessage(api, again, hasStatus('succeeded'));
    });

    it('deleted messages leave the logs, the DLQ and replay-all, while metrics history keeps counting them', async () => {
      const dead = await createEndpoint(api, `${receiver.url}/gone`);
      receiver.respond('/gone', status(404), status(404));
      const ids = [await send(api, dead.id, { n: 1 }), await send(api, dead.id, { n: 2 })];
      for (const id of ids) await waitForMessage(api, id, hasStatus('failed_permanent'));
      const metricsBefore = (await api('GET', `/v1/metrics?endpoint_id=${dead.id}`)).body.data;
      const seriesBefore = (await api('GET', `/v1/metrics/timeseries?endpoint_id=${dead.id}`)).body.data;

      assert.equal((await api('DELETE', `/v1/messages/${ids[0]}`)).status, 200);
      assert.deepEqual((await api('GET', `/v1/metrics?endpoint_id=${dead.id}`)).body.data, metricsBefore);
      assert.deepEqual(
        (await api('GET', `/v1/metrics/timeseries?endpoint_id=${dead.id}`)).body.data,
        seriesBefore,
      );

      const logs = await api<ResponseBody<'/v1/logs', 'get'>>('GET', `/v1/logs?endpoint_id=${dead.id}`);
      assert.deepEqual(
        logs.body.data.map((m) => m.message_id),
        [ids[1]],
      );
      const dlq = await api<ResponseBody<'/v1/dlq/messages', 'get'>>('GET', '/v1/dlq/messages');
      assert.ok(!dlq.body.data.messages.some((m) => m.message_id === ids[0]));
      const replayAll = await api(
        'POST',
        `/v1/messages/replay-all?status=failed_permanent&endpoint_id=${dead.id}`,
      );
      assert.equal(replayAll.status, 202, replayAll.text);
      assert.deepEqual(replayAll.body.data.replayed_message_ids, [ids[1]]);
    });

    it('cancels a delivery in flight: its late result neither resurrects the message nor records the response', async () => {
      const waiting: ServerResponse[] = [];
      receiver.respond('/slow', (_req, res) => waiting.push(res));
      const slow = await createEndpoint(api, `${receiver.url}/slow`);
      const id = await send(api, slow.id, { private: 'data' });
      await receiver.waitFor(1, '/slow');
      assert.equal((await row(server, 'messages', id)).status, 'delivering');

      const deleted = await api('DELETE', `/v1/messages/${id}`);
      assert.equal(deleted.status, 200, deleted.text);
      assert.equal(deleted.body.data.already_deleted, false);
      const cancelled = await row(server, 'messages', id);
      assert.equal(cancelled.status, 'failed_permanent');
      assert.equal(cancelled.last_error, 'message deleted');
      assert.equal(cancelled.payload, null);
      assert.equal(cancelled.locked_by, null);

      // The receiver answers only now. The worker records results in order, so once a later delivery of
      // the same worker is recorded, the cancelled one's result has been handled too.
      waiting[0]!.writeHead(200).end('late-secret');
      const later = await send(api, endpoint.id, { after: true });
      await waitForMessage(api, later, hasStatus('succeeded'));

      const final = await row(server, 'messages', id);
      assert.equal(final.status, 'failed_permanent');
      assert.equal(final.payload, null);
      assert.equal(final.delivered_at, null);
      for (const attempt of await attemptRows(server, 'attempts', id)) {
        assert.equal(attempt.response_body, null);
      }
      assert.equal(receiver.for('/slow').length, 1, 'never delivered again');
      assert.deepEqual(await attemptsOf(api, id).then((a) => a.filter((x) => x.response_body)), []);
    });

    it('stops the retries of a message waiting for one', async () => {
      receiver.respond('/retry', status(500));
      const retrying = await createEndpoint(api, `${receiver.url}/retry`);
      const id = await send(api, retrying.id, { n: 1 });
      await waitForMessage(api, id, hasStatus('pending_retry'));
      assert.equal((await api('DELETE', `/v1/messages/${id}`)).status, 200);
      const message = (await api('GET', `/v1/messages/${id}`)).body.data;
      assert.equal(message.status, 'failed_permanent');
      assert.equal(message.last_error, 'message deleted');
      assert.equal((await api('POST', `/v1/messages/${id}/retry-now`)).status, 400);
    });

    it('delete-batch reports every id once, in order, deleted / already_deleted / not_found', async () => {
      const other = await createProjectWithKey(server, `batch-${Date.now()}`);
      const otherApi = client(server.url, other.apiKey);
      const otherEndpoint = await createEndpoint(otherApi, `${receiver.url}/other`);
      const foreign = await send(otherApi, otherEndpoint.id, { theirs: true });
      const [a, b] = [await send(api, endpoint.id, { a: 1 }), await send(api, endpoint.id, { b: 1 })];
      await api('DELETE', `/v1/messages/${b}`);
      const unknown = randomUUID();

      const response = await api<ResponseBody<'/v1/messages/delete-batch', 'post'>>(
        'POST',
        '/v1/messages/delete-batch',
        {
          body: { message_ids: [a, b, unknown, foreign, 'not-a-uuid', a] },
        },
      );
      assert.equal(response.status, 200, response.text);
      const { results, deleted_count, already_deleted_count, not_found_count } = response.body.data;
      assert.deepEqual(
        results.map((r) => [r.message_id, r.outcome]),
        [
          [a, 'deleted'],
          [b, 'already_deleted'],
          [unknown, 'not_found'],
          [foreign, 'not_found'],
          ['not-a-uuid', 'not_found'],
        ],
      );
      assert.ok(results[0]?.deleted_at && results[1]?.deleted_at && !results[2]?.deleted_at);
      assert.deepEqual([deleted_count, already_deleted_count, not_found_count], [1, 1, 3]);
      assert.notEqual(
        (await row(server, 'messages', foreign)).payload,
        null,
        "another project's message is untouched",
      );

      for (const body of [
        { message_ids: [] },
        { message_ids: Array.from({ length: 101 }, randomUUID) },
        {},
      ]) {
        const bad = await api('POST', '/v1/messages/delete-batch', { body });
        assert.equal(bad.status, 400, bad.text);
        assert.equal(bad.body.error.code, 'INVALID_REQUEST');
      }
    });

    it('concurrent deletions of one message: exactly one deletes it, the others report already_deleted', async () => {
      const ids = await Promise.all([1, 2, 3].map((n) => send(api, endpoint.id, { n })));
      const calls = await Promise.all([
        ...ids.map((id) => api('DELETE', `/v1/messages/${id}`)),
        api('POST', '/v1/messages/delete-batch', { body: { message_ids: ids.toReversed() } }),
        api('POST', '/v1/messages/delete-batch', { body: { message_ids: ids } }),
      ]);
      for (const response of calls) assert.equal(response.status, 200, response.text);
      const outcomes = new Map(ids.map((id) => [id, [] as boolean[]]));
      for (const [i, id] of ids.entries()) outcomes.get(id)!.push(!calls[i]!.body.data.already_deleted);
      for (const batch of calls.slice(3)) {
        for (const result of batch.body.data.results)
          outcomes.get(result.message_id)!.push(result.outcome === 'deleted');
      }
      for (const [id, deletedBy] of outcomes) {
        assert.equal(deletedBy.filter(Boolean).length, 1, `${id} was deleted exactly once: ${deletedBy}`);
        assert.ok((await row(server, 'messages', id)).deleted_at);
      }
    });

    it('delete-all deletes the oldest matches up to limit and says when more remain', async () => {
      const bulk = await createEndpoint(api, `${receiver.url}/bulk`);
      const ids: string[] = [];
      for (let n = 0; n < 3; n++) ids.push(await send(api, bulk.id, { n }));
      for (const id of ids) await waitForMessage(api, id, hasStatus('succeeded'));
      const query = `status=succeeded&endpoint_id=${bulk.id}`;

      const first = await api('POST', `/v1/messages/delete-all?${query}&limit=2`);
      assert.equal(first.status, 200, first.text);
      assert.deepEqual(first.body.data, { deleted: 2, deleted_message_ids: ids.slice(0, 2), has_more: true });
      const rest = await api(
        'POST',
        `/v1/messages/delete-all?${query}&created_after=2000-01-01T00:00:00%2B01:00`,
      );
      assert.deepEqual(rest.body.data, { deleted: 1, deleted_message_ids: [ids[2]], has_more: false });
      const none = await api('POST', `/v1/messages/delete-all?${query}`);
      assert.deepEqual(none.body.data, { deleted: 0, deleted_message_ids: [], has_more: false });
      const future = await api('POST', `/v1/messages/delete-all?created_before=2000-01-01T00:00:00Z`);
      assert.equal(future.body.data.deleted, 0);

      for (const bad of [
        'limit=0',
        'limit=1001',
        'status=lost',
        'endpoint_id=nope',
        'created_after=yesterday',
        'created_after=2026-01-02T00:00:00Z&created_before=2026-01-01T00:00:00Z',
      ]) {
        const response = await api('POST', `/v1/messages/delete-all?${bad}`);
        assert.equal(response.status, 400, `${bad}: ${response.text}`);
        assert.equal(response.body.error.code, 'INVALID_REQUEST');
      }
    });

    it('deletes inbound messages the same way; a deleted cli-mode message is never handed to a listener', async () => {
      const cli = await createInbound(api, { mode: 'cli', name: 'local' });
      const kept = (await ingest(cli.ingest_url, { body: '{"keep":true}' })).body.data.message_id;
      const gone = (await ingest(cli.ingest_url, { body: '{"secret":true}', headers: { 'X-Sig': 's' } })).body
        .data.message_id;

      const deleted = await api('DELETE', `/v1/inbound-messages/${gone}`);
      assert.equal(deleted.status, 200, deleted.text);
      assert.equal(deleted.body.data.already_deleted, false);
      const stored = await row(server, 'inbound_messages', gone);
      assert.equal(stored.payload, null);
      assert.deepEqual(stored.headers, {});
      assert.equal(stored.status, 'failed_permanent');
      assert.equal((await api('DELETE', `/v1/inbound-messages/${gone}`)).body.data.already_deleted, true);

      const polled = await api<ResponseBody<'/v1/inbound-endpoints/{id}/listen', 'get'>>(
        'GET',
        `/v1/inbound-endpoints/${cli.id}/listen`,
      );
      assert.equal(polled.status, 200, polled.text);
      assert.deepEqual(
        polled.body.data.map((m) => m.message_id),
        [kept],
      );
      const logs = await api<ResponseBody<'/v1/inbound-logs', 'get'>>(
        'GET',
        `/v1/inbound-logs?inbound_endpoint_id=${cli.id}`,
      );
      assert.deepEqual(
        logs.body.data.map((m) => m.message_id),
        [kept],
      );

      const batch = await api<ResponseBody<'/v1/inbound-messages/delete-batch', 'post'>>(
        'POST',
        '/v1/inbound-messages/delete-batch',
        {
          body: { message_ids: [gone, kept] },
        },
      );
      assert.deepEqual(
        batch.body.data.results.map((r) => r.outcome),
        ['already_deleted', 'deleted'],
      );
      const another = (await ingest(cli.ingest_url, { body: '{"n":3}' })).body.data.message_id;
      const all = await api(
        'POST',
        `/v1/inbound-messages/delete-all?inbound_endpoint_id=${cli.id}&received_after=2000-01-01T00:00:00Z`,
      );
      assert.deepEqual(all.body.data, { deleted: 1, deleted_message_ids: [another], has_more: false });
      const bad = await api('POST', '/v1/inbound-messages/delete-all?inbound_endpoint_id=ep_1');
      assert.equal(bad.status, 400, bad.text);
      assert.equal((await api('DELETE', `/v1/inbound-messages/${randomUUID()}`)).status, 404);
    });

    it('resolves the deleting API key with /v1/actors/lookup; users resolve to nothing', async () => {
      const response = await api(
        'GET',
        `/v1/actors/lookup?user_id=user_1,user_2&api_key_id=${keyId},key_unknown`,
      );
      assert.equal(response.status, 200, response.text);
      const own = (await api<ResponseBody<'/v1/api-keys', 'get'>>('GET', '/v1/api-keys')).body.data.find(
        (k) => k.key_id === keyId,
      );
      assert.ok(own, 'the key is listed');
      assert.deepEqual(response.body.data, {
        users: {},
        api_keys: { [keyId]: { label: own.label ?? own.prefix, prefix: own.prefix } },
      });
      const other = await createProjectWithKey(server, `actors-${Date.now()}`);
      const theirs = (await call(server.url, 'GET', '/v1/api-keys', { key: other.apiKey })).body.data[0]
        .key_id;
      const foreign = await api('GET', `/v1/actors/lookup?api_key_id=${theirs}`);
      assert.deepEqual(
        foreign.body.data,
        { users: {}, api_keys: {} },
        "another project's key is not resolved",
      );
      assert.equal((await api('GET', '/v1/actors/lookup')).status, 400);
      for (const query of ['api_key_id=%00', 'user_id=u1,%00x']) {
        const nul = await api('GET', `/v1/actors/lookup?${query}`);
        assert.equal(nul.status, 400, `${query}: ${nul.text}`);
        assert.equal(nul.body.error.code, 'INVALID_REQUEST');
        assert.match(nul.body.error.message, /must not contain NUL/);
      }
    });

    it('documents every route in /openapi.json', async () => {
      const doc = (await call(server.url, 'GET', '/openapi.json')).body;
      for (const [path, method] of [
        ['/v1/messages/{id}', 'delete'],
        ['/v1/messages/delete-batch', 'post'],
        ['/v1/messages/delete-all', 'post'],
        ['/v1/inbound-messages/{id}', 'delete'],
        ['/v1/inbound-messages/delete-batch', 'post'],
        ['/v1/inbound-messages/delete-all', 'post'],
        ['/v1/actors/lookup', 'get'],
      ] as const) {
        assert.ok(doc.paths[path]?.[method], `${method.toUpperCase()} ${path} is missing from /openapi.json`);
      }
    });
  });
}
