/** Shared by the SQL experiments: a throw-away schema, and PostgreSQL's CPU per unit of closed-loop work. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Completion, NewAttemptRow } from '../../packages/server/src/delivery/completions.js';
import { newUuid } from '../../packages/server/src/lib/ids.js';
import type { NewMessage } from '../../packages/server/src/modules/send/store.js';
import type { Db } from '../../packages/server/src/store/db.js';
import { migrate } from '../../packages/server/src/store/migrate.js';
import { openPostgres } from '../../packages/server/src/store/postgres.js';
import { postgresCpuMs } from '../procs.js';

export const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh, migrated schema holding one project and its endpoint `ep_1`; dropped after `run`. */
export async function withScratchSchema(
  poolSize: number,
  run: (db: Db, projectId: string) => Promise<void>,
): Promise<void> {
  const schema = `hb_exp_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  try {
    const db = await openPostgres({ connectionString: databaseUrl, schema, max: poolSize });
    try {
      await migrate(db);
      const projectId = randomUUID();
      await db.query(`INSERT INTO projects (id, tenant_id, name) VALUES ($1, 't', 'p')`, [projectId]);
      await db.query(
        `INSERT INTO endpoints (id, project_id, url) VALUES ('ep_1', $1, 'http://127.0.0.1/hook')`,
        [projectId],
      );
      await run(db, projectId);
    } finally {
      await db.close();
    }
  } finally {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

/**
 * `writers` loops each call `once` (which does some units of work and returns how many) for `seconds`;
 * returns units per second and PostgreSQL's CPU (every backend) per unit.
 */
export async function measureClosedLoop(
  seconds: number,
  writers: number,
  once: () => Promise<number>,
): Promise<{ perSecond: number; postgresUsPerUnit: number; ms: number; units: number }> {
  const cpuBefore = postgresCpuMs();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let units = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() < deadline) units += await once();
    }),
  );
  const ms = performance.now() - start;
  let cpuMs = 0;
  for (const [pid, value] of Object.entries(postgresCpuMs())) cpuMs += value - (cpuBefore[pid] ?? 0);
  return {
    perSecond: Math.round((units / ms) * 1000),
    postgresUsPerUnit: Math.round((cpuMs * 1000) / units),
    ms,
    units,
  };
}

const SAMPLE_PAYLOAD = JSON.stringify({ type: 'invoice.paid', data: { note: 'x'.repeat(400) } });
const SAMPLE_SHA = createHash('sha256').update(SAMPLE_PAYLOAD).digest('hex');

/** A send of a ~430-byte JSON payload to `ep_1`, as the send path hands it to the batched INSERT. */
export function sampleMessage(projectId: string): NewMessage {
  return {
    id: newUuid(),
    projectId,
    endpointId: 'ep_1',
    mode: 'live',
    payload: SAMPLE_PAYLOAD,
    sizeBytes: Buffer.byteLength(SAMPLE_PAYLOAD),
    payloadSha256: SAMPLE_SHA,
    headers: {},
    idempotencyKey: null,
    retentionHours: null,
  };
}

/** A successful attempt's row, as the completion writer records it. */
export function sampleAttempt(projectId: string, messageId: string, attemptNo = 1): NewAttemptRow {
  return {
    id: newUuid(),
    message_id: messageId,
    project_id: projectId,
    endpoint_id: 'ep_1',
    attempt_no: attemptNo,
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
  };
}

/** A first attempt that succeeded, `attempt` its row (or none). */
export function succeeded(messageId: string, attempt: NewAttemptRow | null): Completion {
  return {
    message_id: messageId,
    status: 'succeeded',
    next_attempt_at: null,
    attempt_count: 1,
    fast_retry_count: 0,
    last_error: null,
    response_status: 200,
    response_latency_ms: 3,
    attempted_at: new Date().toISOString(),
    attempt,
  };
}
