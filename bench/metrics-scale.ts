/**
 * Metrics at scale (a script, not a test): inserts 1,000,000 messages spread over 30 days (and one attempt
 * each, plus a retry for every tenth) into a fresh PostgreSQL schema with generate_series, then prints
 * EXPLAIN ANALYZE of every query behind GET /v1/metrics and /v1/metrics/timeseries for each window,
 * and the wall time of each call. The schema is dropped at the end.
 *
 *   node --import tsx bench/metrics-scale.ts        (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test;
 *                                                    BENCH_MESSAGES to change the count)
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { newHexId, newUuid } from '../packages/server/src/lib/ids.js';
import { mergeMetricsRollup } from '../packages/server/src/modules/metrics/rollup.js';
import { MetricsService } from '../packages/server/src/modules/metrics/service.js';
import { WINDOWS } from '../packages/server/src/modules/metrics/windows.js';
import type { Db, Queryable } from '../packages/server/src/store/db.js';
import { migrate } from '../packages/server/src/store/migrate.js';
import { openPostgres } from '../packages/server/src/store/postgres.js';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const count = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const schema = `hb_bench_${randomBytes(4).toString('hex')}`;

/** Runs each statement the service issues under EXPLAIN ANALYZE and prints the plan. */
function explaining(db: Db, label: string): Db {
  const wrapper: Queryable = {
    async query<Row>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
      const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      console.log(`\n--- ${label}\n${plan.map((row) => row['QUERY PLAN']).join('\n')}`);
      return db.query<Row>(sql, params);
    },
    exec: (sql) => db.exec(sql),
  };
  return { ...db, ...wrapper } as Db;
}

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const db = await openPostgres({ connectionString: url, schema, max: 4 });
  try {
    await migrate(db);
    const projectId = newUuid();
    const endpoints = [newHexId('ep'), newHexId('ep'), newHexId('ep'), newHexId('ep')];
    await db.query(`INSERT INTO projects (id, tenant_id, name) VALUES ($1, 'bench', 'bench')`, [projectId]);
    for (const id of endpoints) {
      await db.query(`INSERT INTO endpoints (id, project_id, url) VALUES ($1, $2, $3)`, [
        id,
        projectId,
        `https://example.com/${id}`,
      ]);
    }
    let started = Date.now();
    // UUIDs from md5 (no extension needed); statuses 90 % succeeded, 5 % failed, 5 % retrying.
    await db.query(
      `INSERT INTO messages (id, project_id, endpoint_id, mode, status, size_bytes, payload_sha256, attempt_count,
                             created_at)
       SELECT md5('m' || g)::uuid, $1, ($2::text[])[1 + g % 4], CASE WHEN g % 50 = 0 THEN 'test' ELSE 'live' END,
              CASE WHEN g % 20 = 0 THEN 'failed_permanent' WHEN g % 20 = 1 THEN 'pending_retry' ELSE 'succeeded' END,
              100, 'x', 1, now() - (g::double precision / $3) * interval '30 days'
         FROM generate_series(1, $3::int) g`,
      [projectId, endpoints, count],
    );
    await db.query(
      `INSERT INTO attempts (id, message_id, project_id, endpoint_id, attempt_no, response_status,
                             response_latency_ms, created_at)
       SELECT md5('a' || m.id || n)::uuid, m.id, m.project_id, m.endpoint_id, n, 200,
              (abs(hashtext(m.id::text)) % 900) + 20, m.created_at + n * interval '1 second'
         FROM messages m, generate_series(1, 2) n
        WHERE n = 1 OR abs(hashtext(m.id::text)) % 10 = 0`,
    );
    // The triggers filled the hourly rollup (migration 0010) as the rows went in; a worker merges it.
    await mergeMetricsRollup(db);
    await db.query('VACUUM ANALYZE messages');
    await db.query('VACUUM ANALYZE attempts');
    await db.query('VACUUM ANALYZE metrics_hourly');
    console.log(`inserted ${count} messages (and their attempts) in ${Date.now() - started} ms`);

    const timings: string[] = [];
    for (const window of WINDOWS) {
      for (const endpointId of [undefined, endpoints[0]]) {
        const suffix = endpointId ? ' endpoint_id' : '';
        const explain = new MetricsService(explaining(db, `window=${window}${suffix}`));
        await explain.summary(projectId, { window, endpoint_id: endpointId });
        await explain.timeseries(projectId, { window, endpoint_id: endpointId });
        const service = new MetricsService(db);
        started = performance.now();
        const summary = await service.summary(projectId, { window, endpoint_id: endpointId });
        const summaryMs = performance.now() - started;
        started = performance.now();
        await service.timeseries(projectId, { window, endpoint_id: endpointId });
        const seriesMs = performance.now() - started;
        timings.push(
          `window=${window.padEnd(3)}${suffix.padEnd(12)} total=${String(summary.total_messages).padStart(8)}  ` +
            `metrics ${summaryMs.toFixed(0).padStart(5)} ms  timeseries ${seriesMs.toFixed(0).padStart(5)} ms`,
        );
      }
    }
    console.log(`\n=== wall time per call (${count} messages)\n${timings.join('\n')}`);
  } finally {
    await db.close();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

await main();
