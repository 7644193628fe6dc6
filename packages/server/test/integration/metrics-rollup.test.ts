import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newUuid } from '../../src/lib/ids.js';
import { mergeMetricsRollup } from '../../src/modules/metrics/rollup.js';
import { bucketStarts, WINDOWS, windowStart } from '../../src/modules/metrics/windows.js';
import { createEndpoint, hasStatus, send, waitForMessage } from '../helpers/delivery.js';
import type { Api } from '../helpers/http.js';
import { Receiver, status } from '../helpers/receiver.js';
import { startWithClient, type TestServer } from '../helpers/server.js';
import { storeKinds } from '../helpers/stores.js';

const DAY = 86_400_000;
const STATUSES = ['queued', 'delivering', 'succeeded', 'pending_retry', 'failed_permanent'];

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * The metrics read the hourly rollup the triggers keep (migration 0010); they must equal the same figures
 * counted over the raw messages and attempts, for every window and endpoint filter, whatever mix of
 * inserts, status changes, deliveries and merges came before.
 */
for (const kind of storeKinds()) {
  describe(`metrics rollup [${kind}]`, () => {
    let server: TestServer;
    let api: Api;
    let receiver: Receiver;
    const endpoints: string[] = [];

    async function raw(since: Date, endpointId: string | null) {
      const [m] = await server.store.db.query<Record<string, number>>(
        `SELECT count(*) AS total, count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
                count(*) FILTER (WHERE status = 'failed_permanent') AS failed
           FROM messages WHERE project_id = $1 AND created_at >= $2 AND ($3::text IS NULL OR endpoint_id = $3)`,
        [server.projectId, since, endpointId],
      );
      const [a] = await server.store.db.query<Record<string, number | null>>(
        `SELECT count(*) FILTER (WHERE attempt_no > 1) AS retries, round(avg(response_latency_ms))::int AS latency
           FROM attempts WHERE project_id = $1 AND created_at >= $2 AND ($3::text IS NULL OR endpoint_id = $3)`,
        [server.projectId, since, endpointId],
      );
      return [m!.total, m!.succeeded, m!.failed, a!.retries, a!.latency ?? 0];
    }

    async function rawBuckets(since: Date, bucketMs: number, endpointId: string | null) {
      const bin = `date_bin($3 * interval '1 millisecond', created_at, timestamptz '1970-01-01 00:00:00+00')`;
      const messages = await server.store.db.query<Record<string, any>>(
        `SELECT ${bin} AS bucket, count(*) AS total, count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
                count(*) FILTER (WHERE status = 'failed_permanent') AS failed,
                count(*) FILTER (WHERE status = 'pending_retry') AS retrying
           FROM messages WHERE project_id = $1 AND created_at >= $2 AND ($4::text IS NULL OR endpoint_id = $4)
          GROUP BY 1`,
        [server.projectId, since, bucketMs, endpointId],
      );
      const latencies = await server.store.db.query<Record<string, any>>(
        `SELECT ${bin} AS bucket, round(avg(response_latency_ms))::int AS latency
           FROM attempts WHERE project_id = $1 AND created_at >= $2 AND ($4::text IS NULL OR endpoint_id = $4)
          GROUP BY 1`,
        [server.projectId, since, bucketMs, endpointId],
      );
      const out = new Map<number, number[]>();
      for (const row of messages) {
        out.set(row.bucket.getTime(), [row.succeeded, row.failed, row.retrying, row.total, 0]);
      }
      for (const row of latencies) {
        const entry = out.get(row.bucket.getTime()) ?? [0, 0, 0, 0, 0];
        entry[4] = row.latency ?? 0;
        out.set(row.bucket.getTime(), entry);
      }
      return out;
    }

    async function assertEqualToRaw(label: string) {
      const now = Date.now();
      for (const window of WINDOWS) {
        for (const endpointId of [null, endpoints[0]!]) {
          const query = { window, ...(endpointId ? { endpoint_id: endpointId } : {}) };
          const summary = await server.server.services.metrics.summary(server.projectId, query, now);
          assert.deepEqual(
            [
              summary.total_messages,
              summary.succeeded,
              summary.failed,
              summary.retries,
              summary.avg_latency_ms,
            ],
            await raw(windowStart(window, now), endpointId),
            `${label}: summary ${window} ${endpointId ?? 'all endpoints'}`,
          );
          const series = await server.server.services.metrics.timeseries(server.projectId, query, now);
          const { bucketMs, starts } = bucketStarts(window, now);
          const expected = await rawBuckets(new Date(starts[0]!), bucketMs, endpointId);
          for (const bucket of series.buckets) {
            const values = [
              bucket.succeeded,
              bucket.failed,
              bucket.retrying,
              bucket.total,
              bucket.avg_latency_ms,
            ];
            assert.deepEqual(
              values,
              expected.get(Date.parse(bucket.timestamp)) ?? [0, 0, 0, 0, 0],
              `${label}: timeseries ${window} ${endpointId ?? 'all endpoints'} ${bucket.timestamp}`,
            );
          }
        }
      }
    }

    /** Messages and attempts written with SQL at random times over 35 days, in a few multi-row statements. */
    async function insertRandom(next: () => number, count: number) {
      const now = Date.now();
      const messages = Array.from({ length: count }, () => ({
        id: newUuid(),
        endpoint: endpoints[Math.floor(next() * endpoints.length)]!,
        status: STATUSES[Math.floor(next() * STATUSES.length)]!,
        at: new Date(now - next() * 35 * DAY),
      }));
      await server.store.db.query(
        `INSERT INTO messages (id, project_id, endpoint_id, mode, status, size_bytes, payload_sha256, created_at)
         SELECT id, $2, endpoint_id, 'live', status, 2, 'x', created_at
           FROM unnest($1::uuid[], $3::text[], $4::text[], $5::timestamptz[]) AS r(id, endpoint_id, status, created_at)`,
        [
          messages.map((m) => m.id),
          server.projectId,
          messages.map((m) => m.endpoint),
          messages.map((m) => m.status),
          messages.map((m) => m.at),
        ],
      );
      const attempts = messages.flatMap((m) =>
        Array.from({ length: Math.floor(next() * 4) }, (_, i) => ({
          message: m,
          no: i + 1,
          latency: next() < 0.2 ? null : Math.floor(next() * 900),
          at: new Date(Math.min(now, m.at.getTime() + i * 3_600_000 * next() * 5)),
        })),
      );
      await server.store.db.query(
        `INSERT INTO attempts (id, message_id, project_id, endpoint_id, attempt_no, response_latency_ms, created_at)
         SELECT gen_random_uuid(), message_id, $2, endpoint_id, attempt_no, latency, created_at
           FROM unnest($1::uuid[], $3::text[], $4::int[], $5::int[], $6::timestamptz[])
                AS r(message_id, endpoint_id, attempt_no, latency, created_at)`,
        [
          attempts.map((a) => a.message.id),
          server.projectId,
          attempts.map((a) => a.message.endpoint),
          attempts.map((a) => a.no),
          attempts.map((a) => a.latency),
          attempts.map((a) => a.at),
        ],
      );
      return messages;
    }

    before(async () => {
      ({ server, api } = await startWithClient(kind, { HOOKBRIDGE_ALLOW_PRIVATE_NETWORKS: 'true' }));
      receiver = await Receiver.start();
      receiver.respond('/b', status(500));
      for (const path of ['/a', '/b', '/c'])
        endpoints.push((await createEndpoint(api, `${receiver.url}${path}`)).id);
    });
    after(async () => {
      await server.close();
      await receiver.close();
    });

    it('equals the raw counts after inserts, status changes, deliveries and merges', async () => {
      const next = random(20261201);
      const first = await insertRandom(next, 200);
      await assertEqualToRaw('after inserts');

      // Status changes in one statement, some rows moving between counted statuses, some not.
      const changed = first.filter(() => next() < 0.5);
      await server.store.db.query(
        `UPDATE messages SET status = r.status FROM unnest($1::uuid[], $2::text[]) AS r(id, status) WHERE messages.id = r.id`,
        [changed.map((m) => m.id), changed.map(() => STATUSES[Math.floor(next() * STATUSES.length)]!)],
      );
      await assertEqualToRaw('after status changes');

      assert.ok((await mergeMetricsRollup(server.store.db)) > 0, 'merged some keys');
      await insertRandom(next, 100);
      await assertEqualToRaw('after a merge and more inserts');

      // Real sends and deliveries: one succeeds, one waits for a retry after a 500.
      const ok = await send(api, endpoints[0]!, { n: 1 });
      const retrying = await send(api, endpoints[1]!, { n: 2 });
      await waitForMessage(api, ok, hasStatus('succeeded'));
      await waitForMessage(api, retrying, hasStatus('pending_retry'));
      await assertEqualToRaw('after deliveries');
      await mergeMetricsRollup(server.store.db);
      await mergeMetricsRollup(server.store.db);
      await assertEqualToRaw('after merging twice');
      const [{ fresh }] = (await server.store.db.query<{ fresh: number }>(
        'SELECT count(*) AS fresh FROM metrics_hourly WHERE NOT merged',
      )) as [{ fresh: number }];
      assert.equal(fresh, 0);
    });

    it('keeps counting messages after they are deleted (the history stays)', async () => {
      const now = Date.now();
      const before = await server.server.services.metrics.summary(server.projectId, { window: '30d' }, now);
      const [{ n }] = (await server.store.db.query<{ n: number }>(
        `WITH gone AS (
           DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE status = 'succeeded' LIMIT 5) RETURNING 1
         ) SELECT count(*) AS n FROM gone`,
      )) as [{ n: number }];
      assert.ok(n > 0);
      const afterDelete = await server.server.services.metrics.summary(
        server.projectId,
        { window: '30d' },
        now,
      );
      assert.deepEqual(afterDelete, before);
    });
  });
}
