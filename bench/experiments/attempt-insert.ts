/**
 * Experiment (not part of `npm run bench`): PostgreSQL's CPU per recorded attempt, as the completion writer
 * inserts them (jsonb_to_recordset, `batch` rows per statement), with and without the attempts → messages
 * foreign key that migration 0008 dropped.
 *
 *   node --import tsx bench/experiments/attempt-insert.ts [seconds=4] [batch=100] [writers=2]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { newUuid } from '../../packages/server/src/lib/ids.js';
import { migrate } from '../../packages/server/src/store/migrate.js';
import { openPostgres } from '../../packages/server/src/store/postgres.js';
import { postgresCpuMs } from '../procs.js';

const seconds = Number(process.argv[2] ?? 4);
const batch = Number(process.argv[3] ?? 100);
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
  // Messages to attach attempts to: one per attempt slot of a batch, reused round after round.
  const messageIds = Array.from({ length: batch }, () => newUuid());
  await db.query(
    `INSERT INTO messages (id, project_id, endpoint_id, mode, status, payload, size_bytes, payload_sha256)
     SELECT id, $2, 'ep_1', 'live', 'succeeded', '\\x7b7d', 2, 'x' FROM unnest($1::uuid[]) AS id`,
    [messageIds, projectId],
  );
  const attempt = (messageId: string, n: number) => ({
    id: newUuid(),
    message_id: messageId,
    project_id: projectId,
    endpoint_id: 'ep_1',
    attempt_no: n,
    response_status: 200,
    response_latency_ms: 3,
    processing_ms: 3.2,
    error_text: null,
    response_headers: { 'content-type': 'text/plain', 'content-length': '2' },
    response_body: 'ok',
    response_body_truncated: false,
    request_headers: { 'content-type': 'application/json', 'x-webhook-id': messageId },
    retry_type: null,
    retry_after_seconds: null,
    resolved_ip: '127.0.0.1',
    dns_ms: 0,
    tcp_connect_ms: 0.3,
    tls_handshake_ms: null,
    ttfb_ms: 2.1,
    transfer_ms: 0.1,
    conn_reused: true,
    created_at: new Date().toISOString(),
  });
  const INSERT = `INSERT INTO attempts (id, message_id, project_id, endpoint_id, attempt_no, response_status,
      response_latency_ms, processing_ms, error_text, response_headers, response_body, response_body_truncated,
      request_headers, retry_type, retry_after_seconds, resolved_ip, dns_ms, tcp_connect_ms, tls_handshake_ms,
      ttfb_ms, transfer_ms, conn_reused, created_at)
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS a(id uuid, message_id uuid, project_id uuid, endpoint_id text,
      attempt_no int, response_status int, response_latency_ms int, processing_ms real, error_text text,
      response_headers jsonb, response_body text, response_body_truncated boolean, request_headers jsonb,
      retry_type text, retry_after_seconds int, resolved_ip text, dns_ms real, tcp_connect_ms real,
      tls_handshake_ms real, ttfb_ms real, transfer_ms real, conn_reused boolean, created_at timestamptz)`;

  const run = async (name: string) => {
    const cpuBefore = postgresCpuMs();
    const start = performance.now();
    const deadline = start + seconds * 1000;
    let rows = 0;
    let round = 0;
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (performance.now() < deadline) {
          const n = ++round;
          await db.query(INSERT, [JSON.stringify(messageIds.map((id) => attempt(id, n)))]);
          rows += batch;
        }
      }),
    );
    const ms = performance.now() - start;
    let pgCpu = 0;
    for (const [pid, value] of Object.entries(postgresCpuMs())) pgCpu += value - (cpuBefore[pid] ?? 0);
    console.log(
      `${name.padEnd(30)} ${String(Math.round((rows / ms) * 1000)).padStart(6)} attempts/s  ` +
        `postgres ${String(Math.round((pgCpu * 1000) / rows)).padStart(4)} µs CPU/attempt`,
    );
  };

  await run('as migrated (no key)');
  await run('again');
  await db.query('ALTER TABLE attempts ADD FOREIGN KEY (message_id) REFERENCES messages (id)');
  await run('+ key to messages (before 0008)');
  await db.query('ALTER TABLE attempts DROP CONSTRAINT attempts_message_id_fkey');
  await run('- the key again');
  await db.close();
} finally {
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
}
