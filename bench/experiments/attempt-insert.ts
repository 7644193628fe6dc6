/**
 * Experiment (not part of `npm run bench`): PostgreSQL's CPU per recorded attempt, as the completion writer
 * inserts them (jsonb_to_recordset, `batch` rows per statement), with and without the attempts → messages
 * foreign key that migration 0008 dropped.
 *
 *   node --import tsx bench/experiments/attempt-insert.ts [seconds=4] [batch=100] [writers=2]
 */
import { newUuid } from '../../packages/server/src/lib/ids.js';
import { measureClosedLoop, sampleAttempt, withScratchSchema } from './scratch.js';

const seconds = Number(process.argv[2] ?? 4);
const batch = Number(process.argv[3] ?? 100);
const writers = Number(process.argv[4] ?? 2);

await withScratchSchema(writers + 1, async (db, projectId) => {
  // Messages to attach attempts to: one per attempt slot of a batch, reused round after round.
  const messageIds = Array.from({ length: batch }, () => newUuid());
  await db.query(
    `INSERT INTO messages (id, project_id, endpoint_id, mode, status, payload, size_bytes, payload_sha256)
     SELECT id, $2, 'ep_1', 'live', 'succeeded', '\\x7b7d', 2, 'x' FROM unnest($1::uuid[]) AS id`,
    [messageIds, projectId],
  );
  const INSERT = `INSERT INTO attempts (id, message_id, project_id, endpoint_id, attempt_no, response_status,
      response_latency_ms, processing_ms, error_text, response_headers, response_body, response_body_truncated,
      request_headers, retry_type, retry_after_seconds, resolved_ip, dns_ms, tcp_connect_ms, tls_handshake_ms,
      ttfb_ms, transfer_ms, conn_reused, created_at)
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS a(id uuid, message_id uuid, project_id uuid, endpoint_id text,
      attempt_no int, response_status int, response_latency_ms int, processing_ms real, error_text text,
      response_headers jsonb, response_body text, response_body_truncated boolean, request_headers jsonb,
      retry_type text, retry_after_seconds int, resolved_ip text, dns_ms real, tcp_connect_ms real,
      tls_handshake_ms real, ttfb_ms real, transfer_ms real, conn_reused boolean, created_at timestamptz)`;

  let round = 0;
  const run = async (name: string) => {
    const result = await measureClosedLoop(seconds, writers, async () => {
      const n = ++round;
      await db.query(INSERT, [JSON.stringify(messageIds.map((id) => sampleAttempt(projectId, id, n)))]);
      return batch;
    });
    console.log(
      `${name.padEnd(30)} ${String(result.perSecond).padStart(6)} attempts/s  ` +
        `postgres ${String(result.postgresUsPerUnit).padStart(4)} µs CPU/attempt`,
    );
  };

  await run('as migrated (no key)');
  await run('again');
  await db.query('ALTER TABLE attempts ADD FOREIGN KEY (message_id) REFERENCES messages (id)');
  await run('+ key to messages (before 0008)');
  await db.query('ALTER TABLE attempts DROP CONSTRAINT attempts_message_id_fkey');
  await run('- the key again');
});
