import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newUuid } from '../../src/lib/ids.js';
import { type Api, client } from '../helpers/http.js';
import {
  insertInboundAttempts,
  insertInboundEndpoint,
  insertInboundMessage,
  type Status,
} from '../helpers/inbound-fixtures.js';
import { createProjectWithKey } from '../helpers/security.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';
import type { ResponseBody } from '../helpers/http.js';

type Timeseries = ResponseBody<'/v1/inbound-metrics/timeseries', 'get'>;

const HOUR = 3_600_000;

for (const kind of storeKinds()) {
  describe(`inbound metrics [${kind}]`, () => {
    let server: TestServer;
    let api: Api;
    let a: string;
    let b: string;

    before(async () => {
      ({ server, api } = await startWithClient(kind));
      const db = server.store.db;
      a = await insertInboundEndpoint(db, server.projectId, { mode: 'cli' });
      b = await insertInboundEndpoint(db, server.projectId, { mode: 'cli' });
      const now = Date.now();
      const add = async (
        endpoint: string,
        status: Status,
        agoMs: number,
        deliveryMs = 1000,
        latencies: number[] = [],
      ) => {
        const id = await insertInboundMessage(db, server.projectId, endpoint, {
          status,
          createdAt: new Date(now - agoMs),
          deliveryMs,
        });
        await insertInboundAttempts(db, server.projectId, endpoint, id, latencies, new Date(now - agoMs));
      };
      await add(a, 'succeeded', 10 * 60_000, 1000, [100]);
      await add(a, 'succeeded', 2 * HOUR, 3000, [300, 100]);
      await add(a, 'failed_permanent', 3 * HOUR, 0, [50, 50, 50]);
      await add(b, 'pending_retry', 20 * 60_000, 0, [10]);
      await add(b, 'succeeded', 2 * 24 * HOUR, 5000, [20]);
    });
    after(() => server.close());

    it('counts the window, and agrees with direct counts', async () => {
      const response = await api('GET', '/v1/inbound-metrics?window=24h');
      assert.equal(response.status, 200, response.text);
      const data = response.body.data;
      const [direct] = await server.store.db.query<{ total: number; succeeded: number; failed: number }>(
        `SELECT count(*) AS total, count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
                count(*) FILTER (WHERE status = 'failed_permanent') AS failed
           FROM inbound_messages WHERE project_id = $1 AND created_at >= now() - interval '24 hours'`,
        [server.projectId],
      );
      assert.deepEqual(
        [data.total_messages, data.succeeded, data.failed],
        [direct?.total, direct?.succeeded, direct?.failed],
      );
      assert.deepEqual(data, {
        window: '24h',
        total_messages: 4,
        succeeded: 2,
        failed: 1,
        retries: 3,
        success_rate: 0.5,
        avg_latency_ms: Math.round((100 + 300 + 100 + 150 + 10) / 7),
        avg_delivery_time_ms: 2000,
      });
      const hour = (await api('GET', `/v1/inbound-metrics?window=1h&inbound_endpoint_id=${a}`)).body.data;
      assert.deepEqual([hour.total_messages, hour.succeeded, hour.avg_delivery_time_ms], [1, 1, 1000]);
      const month = (await api('GET', '/v1/inbound-metrics?window=30d')).body.data;
      assert.equal(month.total_messages, 5);
    });

    it('writes success_rate with a fraction even when whole; 24h is the default window', async () => {
      const whole = await api('GET', `/v1/inbound-metrics?window=1h&inbound_endpoint_id=${a}`);
      assert.match(whole.text, /"success_rate":1\.0[,}]/);
      assert.match(whole.headers.get('content-type') ?? '', /^application\/json/);
      const empty = await insertInboundEndpoint(server.store.db, server.projectId, { mode: 'cli' });
      const none = await api('GET', `/v1/inbound-metrics?inbound_endpoint_id=${empty}`);
      assert.match(none.text, /"success_rate":0\.0[,}]/);
      assert.equal(none.body.data.window, '24h');
      assert.equal(none.body.data.avg_delivery_time_ms, 0);
      assert.match(none.body.meta.request_id, /^req_/);
    });

    it('timeseries: UTC-aligned, zero-filled buckets of the documented size', async () => {
      const sizes: Record<string, [number, number]> = {
        '1h': [12, 5 * 60_000],
        '24h': [24, HOUR],
        '7d': [28, 6 * HOUR],
        '30d': [30, 24 * HOUR],
      };
      for (const [window, [count, size]] of Object.entries(sizes)) {
        const response = await api<Timeseries>('GET', `/v1/inbound-metrics/timeseries?window=${window}`);
        assert.equal(response.status, 200, response.text);
        const { buckets } = response.body.data;
        assert.equal(response.body.data.window, window);
        assert.equal(buckets.length, count, window);
        for (const [i, bucket] of buckets.entries()) {
          const start = Date.parse(bucket.timestamp);
          assert.equal(start % size, 0, `${window} bucket ${bucket.timestamp} is aligned`);
          if (i > 0) assert.equal(start - Date.parse(buckets[i - 1]!.timestamp), size);
        }
        const total = buckets.reduce((sum, bucket) => sum + bucket.total, 0);
        const summary = (await api('GET', `/v1/inbound-metrics?window=${window}`)).body.data.total_messages;
        assert.ok(total >= summary - 1 && total <= summary + 1, `${window}: ${total} vs ${summary}`);
      }
      const day = (await api<Timeseries>('GET', '/v1/inbound-metrics/timeseries')).body.data.buckets;
      assert.equal(day.length, 24);
      const retrying = day.reduce((sum, bucket) => sum + bucket.retrying, 0);
      assert.equal(retrying, 1);
      assert.ok(day.some((bucket) => bucket.total === 0 && bucket.avg_latency_ms === 0));
    });

    it('answers 400 for a bad window or endpoint id, 404 for an unknown, deleted or foreign endpoint', async () => {
      for (const path of ['/v1/inbound-metrics', '/v1/inbound-metrics/timeseries']) {
        for (const query of [
          'window=2h',
          'window=',
          'inbound_endpoint_id=abc',
          `inbound_endpoint_id=ep_${'a'.repeat(32)}`,
        ]) {
          const response = await api('GET', `${path}?${query}`);
          assert.equal(response.status, 400, `${path}?${query}: ${response.text}`);
          assert.equal(response.body.error.code, 'INVALID_REQUEST');
        }
        const deleted = await insertInboundEndpoint(server.store.db, server.projectId, { deleted: true });
        for (const id of [newUuid(), deleted]) {
          const response = await api('GET', `${path}?inbound_endpoint_id=${id}`);
          assert.equal(response.status, 404, response.text);
          assert.equal(response.body.error.code, 'ENDPOINT_NOT_FOUND');
        }
      }
    });

    it("does not count another project's messages", async () => {
      const other = await createProjectWithKey(server, `metrics-${Date.now()}`);
      const response = await client(server.url, other.apiKey)('GET', '/v1/inbound-metrics?window=30d');
      assert.equal(response.body.data.total_messages, 0);
    });
  });
}
