/**
 * Experiment (not part of `npm run bench`): what the send path costs in PostgreSQL alone, without HTTP.
 * On a fresh, migrated schema, `clients` connections (the server's pool size) each run, in a closed loop,
 * the send path's statements for a few seconds, in these variants:
 *   auth+insert  the API key lookup then the message insert with pg_notify (what a send does today)
 *   insert       the message insert with pg_notify, as in modules/send/store.ts
 *   no-notify    the same insert without pg_notify
 *   prepared     the same as named (prepared) statements: parsed and planned once per connection
 *   *-nofk       the same after dropping messages' foreign keys to projects and endpoints
 *                (each FK check takes a FOR KEY SHARE row lock on the one hot endpoint/project row)
 * A connection LISTENs on the channel throughout, as a worker does.
 *
 *   node --import tsx bench/experiments/send-insert.ts [seconds=4] [clients=20]
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { migrate } from '../../packages/server/src/store/migrate.js';
import { openPostgres } from '../../packages/server/src/store/postgres.js';
import { postgresCpuMs } from '../procs.js';

const seconds = Number(process.argv[2] ?? 4);
const clients = Number(process.argv[3] ?? 20);
const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const schema = `hb_exp_${randomBytes(6).toString('hex')}`;

const INSERT = (notify: boolean) => `WITH inserted AS (
   INSERT INTO messages (id, project_id, endpoint_id, mode, status, held, payload, size_bytes, payload_sha256,
                         headers, idempotency_key, retention_hours, next_attempt_at)
   SELECT $1, e.project_id, e.id, $4, 'queued', e.paused, $5, $6, $7, $8::jsonb, $9, $10, now()
     FROM endpoints e
    WHERE e.id = $3 AND e.project_id = $2 AND e.deleted_at IS NULL
   ON CONFLICT (project_id, endpoint_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
   RETURNING id, held
 )
 SELECT id, ${notify ? `CASE WHEN held THEN NULL ELSE pg_notify($11, '') END` : `CASE WHEN held THEN NULL ELSE $11::text END`} AS notified FROM inserted`;
const AUTH = `SELECT k.id, k.project_id, k.mode, k.last_used_at
   FROM api_keys k JOIN projects p ON p.id = k.project_id
  WHERE k.key_hash = $1 AND p.status = 'active'`;

const admin = new pg.Client({ connectionString: databaseUrl });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);
try {
  const db = await openPostgres({ connectionString: databaseUrl, schema, max: 2 });
  await migrate(db);
  await db.close();
  const options = `-c search_path=${schema}`;
  const setup = new pg.Client({ connectionString: databaseUrl, options });
  await setup.connect();
  const projectId = randomUUID();
  const keyHash = createHash('sha256').update('key').digest('hex');
  await setup.query(`INSERT INTO projects (id, tenant_id, name) VALUES ($1, 't', 'p')`, [projectId]);
  await setup.query(
    `INSERT INTO api_keys (id, project_id, key_hash, prefix, mode) VALUES ('key_1', $1, $2, 'hb_live_x', 'live')`,
    [projectId, keyHash],
  );
  await setup.query(
    `INSERT INTO endpoints (id, project_id, url) VALUES ('ep_1', $1, 'http://127.0.0.1/hook')`,
    [projectId],
  );
  const listener = new pg.Client({ connectionString: databaseUrl, options });
  await listener.connect();
  let notifications = 0;
  listener.on('notification', () => notifications++);
  await listener.query('LISTEN hookbridge_messages');
  const pool = new pg.Pool({ connectionString: databaseUrl, options, max: clients });
  const payload = Buffer.alloc(420, 'x');
  const sha = createHash('sha256').update(payload).digest('hex');

  const run = async (name: string, auth: boolean, notify: boolean, prepared = false) => {
    const sql = INSERT(notify);
    const statement = prepared ? `ins_${notify}` : undefined;
    const walBefore = (await setup.query<{ s: string }>('SELECT wal_sync AS s FROM pg_stat_wal')).rows[0]!.s;
    const cpuBefore = postgresCpuMs();
    const start = performance.now();
    const deadline = start + seconds * 1000;
    let done = 0;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < deadline) {
          if (auth)
            await pool.query({ text: AUTH, values: [keyHash], ...(prepared ? { name: 'auth' } : {}) });
          await pool.query({
            text: sql,
            ...(statement ? { name: statement } : {}),
            values: [
              randomUUID(),
              projectId,
              'ep_1',
              'live',
              payload,
              payload.length,
              sha,
              '{}',
              null,
              null,
              'hookbridge_messages',
            ],
          });
          done++;
        }
      }),
    );
    const ms = performance.now() - start;
    const cpuAfter = postgresCpuMs();
    let pgCpu = 0;
    for (const [pid, value] of Object.entries(cpuAfter)) pgCpu += value - (cpuBefore[pid] ?? 0);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const walAfter = (await setup.query<{ s: string }>('SELECT wal_sync AS s FROM pg_stat_wal')).rows[0]!.s;
    console.log(
      `${name.padEnd(24)} ${String(Math.round((done / ms) * 1000)).padStart(6)} sends/s  ` +
        `postgres ${((pgCpu / done) * 1000).toFixed(0).padStart(4)} µs CPU/send  ` +
        `WAL flushes/send ${((Number(walAfter) - Number(walBefore)) / done).toFixed(2)}`,
    );
  };

  console.log(`${clients} connections, ${seconds} s per variant, schema ${schema}`);
  for (let round = 0; round < 2; round++) {
    await run('auth+insert', true, true);
    await run('insert', false, true);
    await run('insert no-notify', false, false);
    await run('auth+insert prepared', true, true, true);
    await run('insert no-notify prepared', false, false, true);
  }
  await setup.query(
    `ALTER TABLE messages DROP CONSTRAINT messages_project_id_fkey, DROP CONSTRAINT messages_endpoint_id_fkey`,
  );
  for (let round = 0; round < 2; round++) {
    await run('insert-nofk', false, true);
    await run('insert no-notify-nofk', false, false);
  }
  console.log(`notifications received by the listener: ${notifications}`);
  await pool.end();
  await listener.end();
  await setup.end();
} finally {
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
}
