import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newUuid } from '../../src/lib/ids.js';
import { type Api, client, type ResponseBody, type ResponseData } from '../helpers/http.js';
import { insertInboundEndpoint, insertInboundMessage, insertRejection } from '../helpers/inbound-fixtures.js';
import { createProjectWithKey } from '../helpers/security.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

type LogRow = ResponseData<'/v1/inbound-logs', 'get'>[number];
type RejectionRow = ResponseData<'/v1/inbound-rejections', 'get'>[number];

for (const kind of storeKinds()) {
  describe(`inbound logs and rejections [${kind}]`, () => {
    let server: TestServer;
    let api: Api;

    before(async () => {
      ({ server, api } = await startWithClient(kind));
    });
    after(() => server.close());

    const endpoint = (mode: 'forward' | 'cli' = 'forward') =>
      insertInboundEndpoint(server.store.db, server.projectId, { mode });

    /** Every page of a list, following next_cursor. */
    async function walk<Row>(path: string, limit: number, between?: () => Promise<void>) {
      const seen: Row[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 100; pages++) {
        const sep = path.includes('?') ? '&' : '?';
        const url: string = `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
        const response = await api<{ data: Row[]; meta: { has_more: boolean; next_cursor: string | null } }>(
          'GET',
          url,
        );
        assert.equal(response.status, 200, response.text);
        assert.ok(response.body.data.length <= limit);
        seen.push(...response.body.data);
        cursor = response.body.meta.next_cursor;
        assert.equal(response.body.meta.has_more, cursor !== null);
        if (!cursor) return seen;
        await between?.();
      }
      assert.fail('too many pages');
    }

    describe('GET /v1/inbound-logs', () => {
      it('lists rows per the spec, newest first', async () => {
        const forward = await endpoint();
        const cli = await endpoint('cli');
        const old = await insertInboundMessage(server.store.db, server.projectId, forward, {
          createdAt: new Date('2026-02-01T00:00:00Z'),
          deliveryMs: 750,
        });
        const fresh = await insertInboundMessage(server.store.db, server.projectId, cli, {
          status: 'failed_permanent',
          createdAt: new Date('2026-02-02T00:00:00Z'),
        });
        const response = await api<ResponseBody<'/v1/inbound-logs', 'get'>>(
          'GET',
          '/v1/inbound-logs?start_time=2026-02-01T00:00:00Z&end_time=2026-02-03T00:00:00%2B00:00',
        );
        assert.equal(response.status, 200, response.text);
        assert.deepEqual(
          response.body.data.map((r) => r.message_id),
          [fresh, old],
        );
        assert.deepEqual(response.body.data[1], {
          message_id: old,
          inbound_endpoint_id: forward,
          endpoint: 'https://example.com/in',
          status: 'succeeded',
          attempt_count: 1,
          received_at: '2026-02-01T00:00:00Z',
          delivered_at: '2026-02-01T00:00:00Z',
          response_status: 200,
          response_latency_ms: 40,
          total_delivery_ms: 750,
        });
        assert.equal(response.body.data[0]?.endpoint, '');
        assert.equal(response.body.data[0]?.last_error, 'HTTP 500');
        assert.deepEqual(response.body.meta.next_cursor, null);
        assert.equal(response.body.meta.has_more, false);
      });

      it('filters by status, endpoint and time (start inclusive, end exclusive, any offset)', async () => {
        const a = await endpoint();
        const b = await endpoint();
        const at = (iso: string) => new Date(iso);
        const m1 = await insertInboundMessage(server.store.db, server.projectId, a, {
          createdAt: at('2026-03-01T10:00:00Z'),
        });
        const m2 = await insertInboundMessage(server.store.db, server.projectId, a, {
          status: 'pending_retry',
          createdAt: at('2026-03-01T11:00:00Z'),
        });
        await insertInboundMessage(server.store.db, server.projectId, b, {
          createdAt: at('2026-03-01T10:30:00Z'),
        });
        const ids = async (query: string) => {
          const response = await api<ResponseBody<'/v1/inbound-logs', 'get'>>(
            'GET',
            `/v1/inbound-logs?inbound_endpoint_id=${a}&${query}`,
          );
          assert.equal(response.status, 200, response.text);
          return response.body.data.map((r) => r.message_id);
        };
        assert.deepEqual(await ids(''), [m2, m1]);
        assert.deepEqual(await ids('status=pending_retry'), [m2]);
        assert.deepEqual(await ids('start_time=2026-03-01T11:00:00Z'), [m2]);
        assert.deepEqual(await ids('end_time=2026-03-01T11:00:00Z'), [m1]);
        // 12:00+01:00 is 11:00Z; an unencoded "+" arrives as a space.
        assert.deepEqual(await ids('end_time=2026-03-01T12:00:00+01:00'), [m1]);
        assert.deepEqual(await ids('start_time=2026-03-01T06:00:00-05:00'), [m2]);
        assert.deepEqual(
          (await api('GET', `/v1/inbound-logs?inbound_endpoint_id=${newUuid()}`)).body.data,
          [],
          'an unknown endpoint matches nothing',
        );
      });

      it('pages with a cursor that never skips or repeats rows, even while new ones arrive', async () => {
        const ep = await endpoint();
        const sameMs = new Date('2026-04-01T00:00:00.123Z');
        const existing = new Set<string>();
        for (let i = 0; i < 12; i++) {
          const createdAt = i < 6 ? sameMs : new Date(sameMs.getTime() - i * 1000);
          existing.add(await insertInboundMessage(server.store.db, server.projectId, ep, { createdAt }));
        }
        // Rows sharing a millisecond but not a microsecond: a millisecond cursor would lose some.
        await server.store.db.query(
          `UPDATE inbound_messages SET created_at = created_at + (random() * 900)::int * interval '1 microsecond'
            WHERE inbound_endpoint_id = $1 AND created_at = $2`,
          [ep, sameMs],
        );
        const seen = await walk<LogRow>(`/v1/inbound-logs?inbound_endpoint_id=${ep}`, 5, async () => {
          await insertInboundMessage(server.store.db, server.projectId, ep);
        });
        const ids = seen.map((r) => r.message_id);
        assert.equal(new Set(ids).size, ids.length, 'no row twice');
        for (const id of existing) assert.ok(ids.includes(id), `row ${id} was skipped`);
        const times = seen.map((r) => r.received_at);
        assert.deepEqual([...times].sort().reverse(), times, 'newest first');
      });

      it('answers 400 for bad filters, limits and cursors', async () => {
        for (const query of [
          'status=paused',
          'inbound_endpoint_id=ep_123',
          'start_time=yesterday',
          'start_time=2026-02-30T00:00:00Z',
          'end_time=2026-01-01T00:00:00',
          'start_time=2026-02-02T00:00:00Z&end_time=2026-02-01T00:00:00Z',
          'limit=0',
          'limit=501',
          'limit=ten',
          'cursor=not-a-cursor',
          `cursor=${Buffer.from('{"t":"1","id":"x"}').toString('base64url')}`,
        ]) {
          const response = await api('GET', `/v1/inbound-logs?${query}`);
          assert.equal(response.status, 400, `${query}: ${response.text}`);
          assert.equal(response.body.error.code, 'INVALID_REQUEST');
        }
      });
    });

    describe('GET /v1/inbound-rejections', () => {
      it('lists the project’s rejections newest first; those of unknown endpoints belong to nobody', async () => {
        const ep = await endpoint();
        const older = await insertRejection(
          server.store.db,
          server.projectId,
          ep,
          'hmac_failed',
          new Date('2026-05-01T00:00:00Z'),
        );
        const newer = await insertRejection(
          server.store.db,
          server.projectId,
          null,
          'endpoint_deleted',
          new Date('2026-05-02T00:00:00Z'),
        );
        await insertRejection(
          server.store.db,
          null,
          null,
          'endpoint_not_found',
          new Date('2026-05-01T12:00:00Z'),
        );
        const other = await createProjectWithKey(server, `rej-${Date.now()}`);
        await insertRejection(
          server.store.db,
          other.projectId,
          null,
          'ip_not_allowed',
          new Date('2026-05-01T06:00:00Z'),
        );

        const response = await api(
          'GET',
          '/v1/inbound-rejections?start_time=2026-05-01T00:00:00Z&end_time=2026-05-03T00:00:00Z',
        );
        assert.equal(response.status, 200, response.text);
        assert.deepEqual(response.body.data, [
          {
            id: newer,
            reason_code: 'endpoint_deleted',
            received_at: '2026-05-02T00:00:00Z',
            reason_detail: 'fixture detail',
            source_ip: '198.51.100.7',
            headers_redacted: '{"x-token":"****"}',
            inbound_endpoint_id: null,
          },
          {
            id: older,
            reason_code: 'hmac_failed',
            received_at: '2026-05-01T00:00:00Z',
            reason_detail: 'fixture detail',
            source_ip: '198.51.100.7',
            headers_redacted: '{"x-token":"****"}',
            inbound_endpoint_id: ep,
          },
        ]);
        const filtered = await api<ResponseBody<'/v1/inbound-rejections', 'get'>>(
          'GET',
          `/v1/inbound-rejections?inbound_endpoint_id=${ep}`,
        );
        assert.deepEqual(
          filtered.body.data.map((r) => r.id),
          [older],
        );
        const peer = client(server.url, other.apiKey);
        const theirs = await peer<ResponseBody<'/v1/inbound-rejections', 'get'>>(
          'GET',
          '/v1/inbound-rejections',
        );
        assert.deepEqual(
          theirs.body.data.map((r) => r.reason_code),
          ['ip_not_allowed'],
        );
      });

      it('pages through rejections without skipping or repeating', async () => {
        const ep = await endpoint();
        const ids = new Set<string>();
        const at = new Date('2026-06-01T00:00:00.500Z');
        for (let i = 0; i < 9; i++)
          ids.add(await insertRejection(server.store.db, server.projectId, ep, 'invalid_secret', at));
        const seen = await walk<RejectionRow>(
          `/v1/inbound-rejections?inbound_endpoint_id=${ep}`,
          4,
          async () => {
            await insertRejection(server.store.db, server.projectId, ep, 'invalid_method');
          },
        );
        const seenIds = seen.map((r) => r.id);
        assert.equal(new Set(seenIds).size, seenIds.length);
        for (const id of ids) assert.ok(seenIds.includes(id));
      });

      it('answers 400 for bad filters', async () => {
        for (const query of ['inbound_endpoint_id=nope', 'limit=501', 'end_time=soon', 'cursor=%%%']) {
          const response = await api('GET', `/v1/inbound-rejections?${query}`);
          assert.equal(response.status, 400, `${query}: ${response.text}`);
        }
      });
    });
  });
}
