import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newUuid } from '../../src/lib/ids.js';
import { createEndpoint, hasStatus, send, waitForMessage } from '../helpers/delivery.js';
import type { Api } from '../helpers/http.js';
import { Receiver, status } from '../helpers/receiver.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';
import type { ResponseBody } from '../helpers/http.js';

const HOUR = 3_600_000;

for (const kind of storeKinds()) {
  describe(`metrics [${kind}]`, () => {
    let server: TestServer;
    let receiver: Receiver;
    let api: Api;
    let okEndpoint: string;
    let failEndpoint: string;
    let sqlEndpoint: string;

    /** A message (and optionally its attempts) written with SQL at a chosen time, for bucket placement. */
    async function insertMessage(
      endpointId: string,
      createdAt: Date,
      statusName: string,
      attempts: Array<{ no: number; latency: number }> = [],
    ) {
      const id = newUuid();
      await server.store.db.query(
        `INSERT INTO messages (id, project_id, endpoint_id, mode, status, size_bytes, payload_sha256, created_at)
         VALUES ($1, $2, $3, 'live', $4, 2, 'x', $5)`,
        [id, server.projectId, endpointId, statusName, createdAt],
      );
      for (const attempt of attempts) {
        await server.store.db.query(
          `INSERT INTO attempts (id, message_id, project_id, endpoint_id, attempt_no, response_latency_ms, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [newUuid(), id, server.projectId, endpointId, attempt.no, attempt.latency, createdAt],
        );
      }
      return id;
    }

    async function direct(since: Date, endpointId: string | null) {
      const [m] = await server.store.db.query<{ total: number; succeeded: number; failed: number }>(
        `SELECT count(*) AS total, count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
                count(*) FILTER (WHERE status = 'failed_permanent') AS failed
           FROM messages WHERE project_id = $1 AND created_at >= $2 AND ($3::text IS NULL OR endpoint_id = $3)`,
        [server.projectId, since, endpointId],
      );
      const [a] = await server.store.db.query<Record<string, number | null>>(
        `SELECT count(*) FILTER (WHERE attempt_no > 1) AS retries, avg(response_latency_ms)::float8 AS latency
           FROM attempts WHERE project_id = $1 AND created_at >= $2 AND ($3::text IS NULL OR endpoint_id = $3)`,
        [server.projectId, since, endpointId],
      );
      return { ...m!, retries: a!.retries!, latency: Math.round(a!.latency ?? 0) };
    }

    before(async () => {
      ({ server, api } = await startWithClient(kind, { HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true' }));
      receiver = await Receiver.start();
      receiver.respond('/fail', status(400), status(400));
      okEndpoint = (await createEndpoint(api, `${receiver.url}/ok`)).id;
      failEndpoint = (await createEndpoint(api, `${receiver.url}/fail`)).id;
      sqlEndpoint = (await createEndpoint(api, `${receiver.url}/sql`)).id;
      // Real deliveries: three succeed, one fails permanently (a 400 is not retried).
      const ids = [
        await send(api, okEndpoint, { n: 1 }),
        await send(api, okEndpoint, { n: 2 }),
        await send(api, okEndpoint, { n: 3 }),
      ];
      const failed = await send(api, failEndpoint, { n: 4 });
      for (const id of ids) await waitForMessage(api, id, hasStatus('succeeded'));
      await waitForMessage(api, failed, hasStatus('failed_permanent'));
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });

    it('GET /v1/metrics agrees with the messages and attempts recorded, success_rate always a float', async () => {
      const response = await api('GET', '/v1/metrics?window=1h');
      assert.equal(response.status, 200, response.text);
      const data = response.body.data;
      const expected = await direct(new Date(Date.now() - HOUR), null);
      assert.equal(data.window, '1h');
      assert.equal(data.total_messages, expected.total);
      assert.equal(data.total_messages, 4);
      assert.equal(data.succeeded, 3);
      assert.equal(data.failed, 1);
      assert.equal(data.retries, expected.retries);
      assert.equal(data.avg_latency_ms, expected.latency);
      assert.ok(Number.isInteger(data.avg_latency_ms));
      assert.match(response.text, /"success_rate":0\.75[,}]/);

      const ok = await api('GET', `/v1/metrics?window=1h&endpoint_id=${okEndpoint}`);
      assert.equal(ok.body.data.total_messages, 3);
      assert.match(ok.text, /"success_rate":1\.0[,}]/);
      const none = await api('GET', `/v1/metrics?endpoint_id=${sqlEndpoint}`);
      assert.equal(none.body.data.window, '24h', 'the default window');
      assert.equal(none.body.data.total_messages, 0);
      assert.match(none.text, /"success_rate":0\.0[,}]/);
    });

    it('counts retries as attempts beyond the first, and windows by creation time', async () => {
      const now = Date.now();
      await insertMessage(sqlEndpoint, new Date(now - 2 * HOUR), 'succeeded', [
        { no: 1, latency: 100 },
        { no: 2, latency: 200 },
        { no: 3, latency: 400 },
      ]);
      await insertMessage(sqlEndpoint, new Date(now - 3 * 24 * HOUR), 'failed_permanent', [
        { no: 1, latency: 50 },
      ]);
      for (const [window, ms] of [
        ['1h', HOUR],
        ['24h', 24 * HOUR],
        ['7d', 7 * 24 * HOUR],
        ['30d', 30 * 24 * HOUR],
      ] as const) {
        const response = await api('GET', `/v1/metrics?window=${window}&endpoint_id=${sqlEndpoint}`);
        assert.equal(response.status, 200, response.text);
        const expected = await direct(new Date(Date.now() - ms), sqlEndpoint);
        const data = response.body.data;
        assert.deepEqual(
          [data.total_messages, data.succeeded, data.failed, data.retries, data.avg_latency_ms],
          [expected.total, expected.succeeded, expected.failed, expected.retries, expected.latency],
          window,
        );
      }
      const day = (await api('GET', `/v1/metrics?window=24h&endpoint_id=${sqlEndpoint}`)).body.data;
      assert.deepEqual([day.total_messages, day.retries, day.avg_latency_ms], [1, 2, 233]);
    });

    it('timeseries: zero-filled, UTC-aligned buckets of the documented sizes', async () => {
      const sizes = {
        '1h': [12, 5 * 60_000],
        '24h': [24, HOUR],
        '7d': [28, 6 * HOUR],
        '30d': [30, 24 * HOUR],
      };
      for (const [window, [count, size]] of Object.entries(sizes)) {
        const response = await api('GET', `/v1/metrics/timeseries?window=${window}`);
        assert.equal(response.status, 200, response.text);
        const { buckets } = response.body.data;
        assert.equal(response.body.data.window, window);
        assert.equal(buckets.length, count, window);
        const starts = buckets.map((b: { timestamp: string }) => Date.parse(b.timestamp));
        for (const start of starts) assert.equal(start % size!, 0, `${window} bucket aligned to UTC`);
        for (let i = 1; i < starts.length; i++) assert.equal(starts[i] - starts[i - 1], size);
        assert.ok(
          starts.at(-1) <= Date.now() && Date.now() < starts.at(-1) + size!,
          'the last bucket holds now',
        );
        for (const b of buckets) {
          for (const field of ['succeeded', 'failed', 'retrying', 'total', 'avg_latency_ms'])
            assert.ok(Number.isInteger(b[field]), `${field} is an integer`);
        }
      }
    });

    it('timeseries numbers agree with rows placed at chosen times', async () => {
      const endpoint = (await createEndpoint(api, `${receiver.url}/placed`)).id;
      const hourStart = Math.floor(Date.now() / HOUR) * HOUR;
      const placed = [
        { at: hourStart - 5 * HOUR + 60_000, status: 'succeeded', latency: 10 },
        { at: hourStart - 5 * HOUR + 120_000, status: 'succeeded', latency: 30 },
        { at: hourStart - 5 * HOUR + 180_000, status: 'pending_retry', latency: 20 },
        { at: hourStart - 2 * HOUR + 1, status: 'failed_permanent', latency: 7 },
        { at: hourStart - 30 * HOUR, status: 'succeeded', latency: 1 }, // outside 24h
      ];
      for (const row of placed) {
        await insertMessage(endpoint, new Date(row.at), row.status, [{ no: 1, latency: row.latency }]);
      }
      const response = await api<ResponseBody<'/v1/metrics/timeseries', 'get'>>(
        'GET',
        `/v1/metrics/timeseries?window=24h&endpoint_id=${endpoint}`,
      );
      assert.equal(response.status, 200, response.text);
      const byStart = new Map(response.body.data.buckets.map((b) => [Date.parse(b.timestamp), b] as const));
      assert.deepEqual(byStart.get(hourStart - 5 * HOUR), {
        timestamp: new Date(hourStart - 5 * HOUR).toISOString().replace('.000Z', 'Z'),
        succeeded: 2,
        failed: 0,
        retrying: 1,
        total: 3,
        avg_latency_ms: 20,
      });
      assert.deepEqual(
        [byStart.get(hourStart - 2 * HOUR)].map((b) => [b?.failed, b?.total, b?.avg_latency_ms]),
        [[1, 1, 7]],
      );
      const total = response.body.data.buckets.reduce((sum, b) => sum + b.total, 0);
      assert.equal(total, 4, 'the row 30 h ago is outside the window; every other bucket is zero');

      // The whole project, all buckets: the same as a direct count from the first bucket's start.
      const all = await api<ResponseBody<'/v1/metrics/timeseries', 'get'>>(
        'GET',
        '/v1/metrics/timeseries?window=24h',
      );
      const first = Date.parse(all.body.data.buckets[0]?.timestamp ?? '');
      const sum = (field: 'total' | 'succeeded' | 'failed') =>
        all.body.data.buckets.reduce((s, b) => s + b[field], 0);
      const expected = await direct(new Date(first), null);
      assert.deepEqual(
        [sum('total'), sum('succeeded'), sum('failed')],
        [expected.total, expected.succeeded, expected.failed],
      );
    });

    it('400 for an unknown window or a malformed endpoint id; 404 for an unknown endpoint', async () => {
      for (const path of ['/v1/metrics', '/v1/metrics/timeseries']) {
        const window = await api('GET', `${path}?window=2h`);
        assert.equal(window.status, 400);
        assert.equal(window.body.error.code, 'INVALID_REQUEST');
        assert.match(window.body.error.message, /window must be one of: 1h, 24h, 7d, 30d/);
        const malformed = await api('GET', `${path}?endpoint_id=nope`);
        assert.equal(malformed.status, 400);
        const unknown = await api('GET', `${path}?endpoint_id=ep_${'0'.repeat(32)}`);
        assert.equal(unknown.status, 404);
        assert.equal(unknown.body.error.code, 'ENDPOINT_NOT_FOUND');
      }
    });
  });
}
