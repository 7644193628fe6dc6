/**
 * Experiment (not part of `npm run bench`): PostgreSQL's cost per message of the send path's batched
 * INSERT (modules/send/store.ts, as the group-commit batcher issues it), without HTTP. `writers`
 * connections each insert batches of `batch` rows in a closed loop for a few seconds; then the same after
 * each schema change in turn (cumulative), to see what every part of the messages table costs an insert
 * (the foreign keys that migration 0007 dropped are put back for one step, for comparison).
 *
 *   node --import tsx bench/experiments/batch-insert.ts [seconds=4] [batch=32] [writers=2]
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { insertMessages, type NewMessage } from '../../packages/server/src/modules/send/store.js';
import { migrate } from '../../packages/server/src/store/migrate.js';
import { openPostgres } from '../../packages/server/src/store/postgres.js';
import { newUuid } from '../../packages/server/src/lib/ids.js';
import { postgresCpuMs } from '../procs.js';

const seconds = Number(process.argv[2] ?? 4);
const batch = Number(process.argv[3] ?? 32);
const writers = Number(process.argv[4] ?? 2);
const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const schema = `hb_exp_${randomBytes(6).toString('hex')}`;

const admin = new pg.Client({ connectionString: databaseUrl });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);
try {
  const db = await openPostgres({ connectionString: databaseUrl, schema, max: writers + 1 });
  await migrate(db);
  const projectId = randomUUID();
  await db.query(`INSERT INTO projects (id, tenant_id, name) VALUES ($1, 't', 'p')`, [projectId]);
  await db.query(`INSERT INTO endpoints (id, project_id, url) VALUES ('ep_1', $1, 'http://127.0.0.1/hook')`, [
    projectId,
  ]);
  const payload = JSON.stringify({ type: 'invoice.paid', data: { note: 'x'.repeat(400) } });
  const sha = createHash('sha256').update(payload).digest('hex');
  const message = (): NewMessage => ({
    id: newUuid(),
    projectId,
    endpointId: 'ep_1',
    mode: 'live',
    payload,
    sizeBytes: Buffer.byteLength(payload),
    payloadSha256: sha,
    headers: {},
    idempotencyKey: null,
    retentionHours: null,
  });

  const run = async (name: string) => {
    const walBefore = (await db.query<{ s: string }>('SELECT wal_sync::text AS s FROM pg_stat_wal'))[0]!.s;
    const cpuBefore = postgresCpuMs();
    const start = performance.now();
    const deadline = start + seconds * 1000;
    let rows = 0;
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (performance.now() < deadline) {
          await insertMessages(db, Array.from({ length: batch }, message));
          rows += batch;
        }
      }),
    );
    const ms = performance.now() - start;
    let pgCpu = 0;
    for (const [pid, value] of Object.entries(postgresCpuMs())) pgCpu += value - (cpuBefore[pid] ?? 0);
    const walAfter = (await db.query<{ s: string }>('SELECT wal_sync::text AS s FROM pg_stat_wal'))[0]!.s;
    console.log(
      `${name.padEnd(34)} ${String(Math.round((rows / ms) * 1000)).padStart(6)} rows/s  ` +
        `postgres ${String(Math.round((pgCpu * 1000) / rows)).padStart(4)} µs CPU/row  ` +
        `batch ${((ms / rows) * batch).toFixed(2)} ms  WAL flushes/row ${((Number(walAfter) - Number(walBefore)) / rows).toFixed(3)}`,
    );
  };

  const steps: Array<[string, string]> = [
    ['as migrated', ''],
    ['again', ''],
    [
      '+ the foreign keys (before 0007)',
      'ALTER TABLE messages ADD FOREIGN KEY (project_id) REFERENCES projects (id), ADD FOREIGN KEY (endpoint_id) REFERENCES endpoints (id)',
    ],
    [
      '- the foreign keys again',
      'ALTER TABLE messages DROP CONSTRAINT messages_project_id_fkey, DROP CONSTRAINT messages_endpoint_id_fkey',
    ],
    ['- endpoint_status_idx', 'DROP INDEX messages_endpoint_status_idx'],
    ['- endpoint_created_idx', 'DROP INDEX messages_endpoint_created_idx'],
    ['- project_created_idx', 'DROP INDEX messages_project_created_idx'],
    ['- due_idx', 'DROP INDEX messages_due_idx'],
  ];
  for (const [name, sql] of steps) {
    if (sql) await db.query(sql);
    await run(name);
  }
  await db.close();
} finally {
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
}
