import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEndpoint, hasStatus, send, waitForMessage } from '../helpers/delivery.js';
import { type ApiResponse, type Api, client } from '../helpers/http.js';
import { Receiver, status } from '../helpers/receiver.js';
import { createProjectWithKey } from '../helpers/security.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

for (const kind of storeKinds()) {
  describe(`GET /v1/logs [${kind}]`, () => {
    let server: TestServer;
    let receiver: Receiver;
    let api: Api;
    let okEndpoint: { id: string };
    let badEndpoint: { id: string };
    const okIds: string[] = [];
    let failedId: string;

    /** Every page of /v1/logs for `query`, following next_cursor. */
    async function allPages(query: string, limit: number) {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 1000; page++) {
        const sep = query ? '&' : '';
        const url: string = `/v1/logs?${query}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
        const response: ApiResponse = await api('GET', url);
        assert.equal(response.status, 200, response.text);
        assert.ok(response.body.data.length <= limit);
        ids.push(...response.body.data.map((m: { message_id: string }) => m.message_id));
        assert.equal(response.body.meta.has_more, response.body.meta.next_cursor !== null);
        cursor = response.body.meta.next_cursor;
        if (!cursor) return ids;
      }
      throw new Error('too many pages');
    }

    before(async () => {
      ({ server, api } = await startWithClient(kind, {
        HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true',
        HOOKBRIDGE_RETRY_SCHEDULE: '3600',
      }));
      receiver = await Receiver.start();
      receiver.setDefault(status(200));
      receiver.respond('/bad', status(400));
      okEndpoint = await createEndpoint(api, `${receiver.url}/ok`);
      badEndpoint = await createEndpoint(api, `${receiver.url}/bad`);
      for (let n = 0; n < 5; n++) okIds.push(await send(api, okEndpoint.id, { n }));
      failedId = await send(api, badEndpoint.id, { bad: true });
      for (const id of okIds) await waitForMessage(api, id, hasStatus('succeeded'));
      await waitForMessage(api, failedId, hasStatus('failed_permanent'));
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });

    it('lists newest first as MessageSummary rows with the endpoint URL', async () => {
      const response = await api('GET', '/v1/logs');
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(
        response.body.data.map((m: { message_id: string }) => m.message_id),
        [failedId, ...okIds.toReversed()],
      );
      assert.equal(response.body.meta.has_more, false);
      assert.equal(response.body.meta.next_cursor, null);
      const [failed, succeeded] = response.body.data;
      assert.equal(failed.endpoint, `${receiver.url}/bad`);
      assert.equal(failed.endpoint_id, badEndpoint.id);
      assert.equal(failed.status, 'failed_permanent');
      assert.equal(failed.response_status, 400);
      assert.ok(failed.last_error);
      assert.match(failed.failed_at, RFC3339_UTC);
      assert.equal(succeeded.status, 'succeeded');
      assert.equal(succeeded.attempt_count, 1);
      assert.equal(succeeded.mode, 'live');
      assert.match(succeeded.created_at, RFC3339_UTC);
      assert.match(succeeded.delivered_at, RFC3339_UTC);
      assert.equal(typeof succeeded.response_latency_ms, 'number');
      assert.equal(succeeded.last_error, undefined);
    });

    it('filters by endpoint, status, mode and time range (any offset)', async () => {
      const byEndpoint = await api('GET', `/v1/logs?endpoint_id=${okEndpoint.id}`);
      assert.equal(byEndpoint.body.data.length, 5);
      const byStatus = await api('GET', '/v1/logs?status=failed_permanent');
      assert.deepEqual(
        byStatus.body.data.map((m: { message_id: string }) => m.message_id),
        [failedId],
      );
      const unknownEndpoint = await api('GET', `/v1/logs?endpoint_id=ep_${'0'.repeat(32)}`);
      assert.deepEqual(unknownEndpoint.body.data, []);
      const testMode = await api('GET', '/v1/logs?mode=test');
      assert.deepEqual(testMode.body.data, []);

      const [row] = await server.store.db.query<{ created_at: Date }>(
        'SELECT created_at FROM messages WHERE id = $1',
        [okIds[2]],
      );
      const at = row!.created_at.getTime();
      // +05:30 offset, and a `+` sent unencoded (it arrives as a space): both mean the same instant.
      const shifted = new Date(at + 5.5 * 3600_000).toISOString().replace('Z', '+05:30');
      const start = encodeURIComponent(shifted);
      const endAt = new Date(Math.floor(at / 1000) * 1000 + 3_600_000).toISOString();
      const windowed = await api(
        'GET',
        `/v1/logs?endpoint_id=${okEndpoint.id}&start_time=${start}&end_time=${endAt}`,
      );
      assert.equal(windowed.status, 200, windowed.text);
      assert.ok(windowed.body.data.some((m: { message_id: string }) => m.message_id === okIds[4]));
      assert.ok(!windowed.body.data.some((m: { message_id: string }) => m.message_id === okIds[0]));
      const rawPlus = await api('GET', `/v1/logs?start_time=${shifted}&end_time=${endAt}`);
      assert.equal(rawPlus.status, 200, rawPlus.text);
      const none = await api('GET', '/v1/logs?end_time=2000-01-01T00:00:00Z');
      assert.deepEqual(none.body.data, []);
    });

    it('rejects bad filters with 400', async () => {
      for (const query of [
        'status=paused',
        'limit=0',
        'limit=501',
        'limit=abc',
        'endpoint_id=nope',
        `endpoint_id=ep_${'z'.repeat(32)}`,
        'start_time=yesterday',
        'start_time=2025-13-01T00:00:00Z',
        'start_time=2026-02-30T00:00:00Z',
        'end_time=2025-01-01',
        'start_time=2025-01-02T00:00:00Z&end_time=2025-01-01T00:00:00Z',
        'cursor=garbage',
        `cursor=${Buffer.from('{"t":"x","id":"y"}').toString('base64url')}`,
        'mode=staging',
      ]) {
        const response = await api('GET', `/v1/logs?${query}`);
        assert.equal(response.status, 400, `${query}: ${response.text}`);
        assert.equal(response.body.error.code, 'INVALID_REQUEST');
      }
    });

    it('pages with an opaque cursor', async () => {
      const first = await api('GET', '/v1/logs?limit=2');
      assert.equal(first.body.data.length, 2);
      assert.equal(first.body.meta.has_more, true);
      assert.equal(typeof first.body.meta.next_cursor, 'string');
      const all = await allPages('', 2);
      assert.deepEqual(all, [failedId, ...okIds.toReversed()]);
      const filtered = await allPages(`endpoint_id=${okEndpoint.id}`, 4);
      assert.deepEqual(filtered, okIds.toReversed());
    });

    it('never skips or repeats a message while new ones arrive', async () => {
      const endpoint = await createEndpoint(api, `${receiver.url}/busy`);
      const before: string[] = [];
      for (let n = 0; n < 30; n++) before.push(await send(api, endpoint.id, { n }));
      let sending = true;
      const added: string[] = [];
      const writer = (async () => {
        while (sending) added.push(await send(api, endpoint.id, { late: true }));
      })();
      const seen = await allPages(`endpoint_id=${endpoint.id}`, 3);
      sending = false;
      await writer;
      assert.ok(added.length > 0, 'messages arrived while paging');
      assert.equal(new Set(seen).size, seen.length, 'no message repeats');
      assert.deepEqual(
        seen.filter((id) => before.includes(id)),
        before.toReversed(),
        'every message that existed is seen once, in order',
      );
    });

    describe("another project's messages", () => {
      it("never shows another project's messages, even filtered by its endpoint", async () => {
        const other = await createProjectWithKey(server, `logs-${Date.now()}`);
        const otherApi = client(server.url, other.apiKey);
        const endpoint = await createEndpoint(otherApi, `${receiver.url}/foreign`);
        const foreign = await send(otherApi, endpoint.id, { foreign: true });
        const mine = await api('GET', '/v1/logs?limit=500');
        assert.ok(!mine.body.data.some((m: { message_id: string }) => m.message_id === foreign));
        const filtered = await api('GET', `/v1/logs?endpoint_id=${endpoint.id}`);
        assert.deepEqual(filtered.body.data, []);
        const theirs = await otherApi('GET', '/v1/logs');
        assert.deepEqual(
          theirs.body.data.map((m: { message_id: string }) => m.message_id),
          [foreign],
        );
      });
    });
  });
}
