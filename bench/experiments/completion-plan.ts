/**
 * Experiment (not part of `npm run bench`): how the completion statement (`delivery/completions.ts`) finds
 * its messages after a backlog was delivered without a vacuum in between. Queues `total` messages, then
 * claims and records them `batch` at a time (as a worker does) and prints the time per completion
 * statement as the dead entries pile up,
 * then the plan of one more batch (EXPLAIN ANALYZE, BUFFERS): it must read the messages by primary key,
 * not scan the partial index of delivering messages.
 *
 *   node --import tsx bench/experiments/completion-plan.ts [total=10000] [batch=100]
 */
import { performance } from 'node:perf_hooks';
import { writeCompletions } from '../../packages/server/src/delivery/completions.js';
import { OUTBOUND } from '../../packages/server/src/queues/queue-source.js';
import { claimDue } from '../../packages/server/src/delivery/queue-store.js';
import { newUuid } from '../../packages/server/src/lib/ids.js';
import type { Db } from '../../packages/server/src/store/db.js';
import { succeeded, withScratchSchema } from './scratch.js';

const total = Number(process.argv[2] ?? 10_000);
const batch = Number(process.argv[3] ?? 100);

await withScratchSchema(2, async (db, projectId) => {
  await db.query('ALTER TABLE messages SET (autovacuum_enabled = false)');
  const ids = Array.from({ length: total + batch }, () => newUuid());
  await db.query(
    `INSERT INTO messages (id, project_id, endpoint_id, mode, status, payload, size_bytes, payload_sha256,
                           next_attempt_at)
     SELECT id, $2, 'ep_1', 'live', 'queued', '\\x7b7d', 2, 'x', now() - interval '1 hour' + o * interval '1 ms'
       FROM unnest($1::uuid[]) WITH ORDINALITY AS r(id, o)`,
    [ids, projectId],
  );
  await db.query('ANALYZE messages');
  let done = 0;
  let spent = 0;
  while (done < total) {
    const claimed = await claimDue(db, OUTBOUND, batch, 3_600_000, 'w');
    const started = performance.now();
    await writeCompletions(
      db,
      OUTBOUND,
      claimed.map((m) => succeeded(m.id, null)),
      'w',
    );
    spent += performance.now() - started;
    done += batch;
    if (done % Math.max(batch, Math.floor(total / 5)) === 0) {
      console.log(
        `after ${String(done).padStart(6)} recorded: ${(spent / (Math.floor(total / 5) / batch)).toFixed(2)} ms per statement`,
      );
      spent = 0;
    }
  }
  const explaining: Db = Object.create(db);
  let plan: string[] = [];
  explaining.query = (async (sql: string, params?: unknown[]) => {
    const rows = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
    plan = rows.map((row) => row['QUERY PLAN']);
    return [];
  }) as Db['query'];
  const last = await claimDue(db, OUTBOUND, batch, 3_600_000, 'w');
  await writeCompletions(
    explaining,
    OUTBOUND,
    last.map((m) => succeeded(m.id, null)),
    'w',
  );
  console.log(plan.filter((line) => /Scan|Buffers|Execution/.test(line)).join('\n'));
});
