/**
 * Experiment (not part of `npm run bench`): PostgreSQL's CPU per delivered message for the whole durable
 * lifecycle of a directly dispatched send, against the leanest lifecycle that keeps the same guarantees
 * (committed before the 202, a lease, one recorded attempt), measured in the same run.
 *
 *   as built  the send path's batched INSERT written leased (modules/send/store.ts), then the completion
 *             writer's statement (delivery/completions.ts) marking every message succeeded and recording
 *             its attempt: the messages table with its indexes, the attempts table, the rollup triggers
 *   lean      a queue table and an attempts table with a primary key each and no triggers: a batched
 *             INSERT, a batched UPDATE by key, a batched attempt INSERT
 * then "as built" again after each of these removals in turn (cumulative), to see what each part of the
 * hot row costs: the rollup triggers, and the messages indexes that neither the claim nor the completion
 * reads (the lists' and the endpoint counts').
 * Each round is `batch` messages (the closed loop's batches are about 30), `writers` rounds at once.
 *
 *   node --import tsx bench/experiments/message-lifecycle.ts [seconds=4] [batch=32] [writers=2]
 */
import { writeCompletions } from '../../packages/server/src/delivery/completions.js';
import { newUuid } from '../../packages/server/src/lib/ids.js';
import { insertMessages } from '../../packages/server/src/modules/send/store.js';
import { OUTBOUND } from '../../packages/server/src/queues/queue-source.js';
import { measureClosedLoop, sampleAttempt, sampleMessage, succeeded, withScratchSchema } from './scratch.js';

const seconds = Number(process.argv[2] ?? 4);
const batch = Number(process.argv[3] ?? 32);
const writers = Number(process.argv[4] ?? 2);
const WORKER = 'worker-1';

await withScratchSchema(writers + 1, async (db, projectId) => {
  const payload = sampleMessage(projectId).payload;

  await db.query(`CREATE TABLE lean_queue (id uuid PRIMARY KEY, endpoint_id text NOT NULL, payload bytea NOT NULL,
    status text NOT NULL, locked_by text, locked_until timestamptz, created_at timestamptz NOT NULL DEFAULT now())`);
  await db.query(`CREATE TABLE lean_attempts (id uuid PRIMARY KEY, message_id uuid NOT NULL, status int,
    latency_ms int, created_at timestamptz NOT NULL DEFAULT now())`);

  const asBuilt = async () => {
    const messages = Array.from({ length: batch }, () => sampleMessage(projectId));
    await insertMessages(db, messages, { count: batch, workerId: WORKER, leaseMs: 30_000 });
    await writeCompletions(
      db,
      OUTBOUND,
      messages.map((m) => succeeded(m.id, sampleAttempt(projectId, m.id))),
      WORKER,
    );
    return batch;
  };
  const lean = async () => {
    const ids = Array.from({ length: batch }, () => newUuid());
    await db.query(
      `INSERT INTO lean_queue (id, endpoint_id, payload, status, locked_by, locked_until)
       SELECT id, 'ep_1', $2::bytea, 'delivering', $3, now() + interval '30 seconds' FROM unnest($1::uuid[]) AS id`,
      [ids, Buffer.from(payload), WORKER],
    );
    await db.query(
      `UPDATE lean_queue SET status = 'succeeded', locked_by = NULL, locked_until = NULL
        WHERE id = ANY($1::uuid[]) AND locked_by = $2`,
      [ids, WORKER],
    );
    await db.query(
      `INSERT INTO lean_attempts (id, message_id, status, latency_ms)
       SELECT gen_random_uuid(), id, 200, 3 FROM unnest($1::uuid[]) AS id`,
      [ids],
    );
    return batch;
  };

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const figures: Record<string, number[]> = { 'as built': [], lean: [] };
  for (let round = 0; round < 3; round++) {
    for (const [name, once] of [
      ['as built', asBuilt],
      ['lean', lean],
    ] as const) {
      const result = await measureClosedLoop(seconds, writers, once);
      if (round > 0) figures[name]!.push(result.postgresUsPerUnit);
      console.log(
        `round ${round}${round === 0 ? ' (warm-up)' : ''}  ${name.padEnd(9)} ${String(result.perSecond).padStart(6)} messages/s  ` +
          `postgres ${String(result.postgresUsPerUnit).padStart(4)} µs CPU/message`,
      );
    }
  }
  // Migration 0018 replaced the (endpoint_id, status) index with a partial one on the waiting messages:
  // the two alternately, 5 rounds each, as the machine's noise is about as large as the difference.
  const withOld: number[] = [];
  const asMigrated: number[] = [];
  for (let round = 0; round < 5; round++) {
    await db.query('CREATE INDEX messages_endpoint_status_idx ON messages (endpoint_id, status)');
    withOld.push((await measureClosedLoop(seconds, writers, asBuilt)).postgresUsPerUnit);
    await db.query('DROP INDEX messages_endpoint_status_idx');
    asMigrated.push((await measureClosedLoop(seconds, writers, asBuilt)).postgresUsPerUnit);
  }
  console.log(
    `as built with the (endpoint_id, status) index of before 0018: median ${median(withOld)} µs CPU/message ` +
      `(${withOld.join(', ')}); as migrated: median ${median(asMigrated)} µs (${asMigrated.join(', ')}); ` +
      `${(median(asMigrated) / median(withOld)).toFixed(2)}×`,
  );

  const removals: Array<[string, string]> = [
    [
      '- the rollup triggers',
      'DROP TRIGGER messages_metrics_insert ON messages; DROP TRIGGER messages_metrics_update ON messages; DROP TRIGGER attempts_metrics_insert ON attempts',
    ],
    ['- messages_endpoint_waiting_idx', 'DROP INDEX messages_endpoint_waiting_idx'],
    ['- messages_endpoint_created_idx', 'DROP INDEX messages_endpoint_created_idx'],
    ['- messages_project_time_idx', 'DROP INDEX messages_project_time_idx'],
    ['- attempts_metrics_idx', 'DROP INDEX attempts_metrics_idx'],
  ];
  for (const [name, sql] of removals) {
    await db.query(sql);
    const result = await measureClosedLoop(seconds, writers, asBuilt);
    console.log(
      `as built ${name.padEnd(32)} ${String(result.perSecond).padStart(6)} messages/s  postgres ${String(result.postgresUsPerUnit).padStart(4)} µs CPU/message`,
    );
  }
  const built = median(figures['as built']!);
  const leanest = median(figures.lean!);
  console.log(
    `\nPostgreSQL CPU per delivered message: as built ${built} µs, lean ${leanest} µs (lean ÷ as built ${(leanest / built).toFixed(2)}×)`,
  );
});
