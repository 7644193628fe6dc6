/**
 * Experiment (not part of `npm run bench`): PostgreSQL's cost per message of the send path's batched
 * INSERT (modules/send/store.ts, as the group-commit batcher issues it), without HTTP. `writers`
 * connections each insert batches of `batch` rows in a closed loop for a few seconds; then the same after
 * each schema change in turn (cumulative), to see what every part of the messages table costs an insert
 * (the foreign keys that migration 0007 dropped are put back for one step, for comparison).
 *
 *   node --import tsx bench/experiments/batch-insert.ts [seconds=4] [batch=32] [writers=2]
 */
import { insertMessages } from '../../packages/server/src/modules/send/store.js';
import { measureClosedLoop, sampleMessage, withScratchSchema } from './scratch.js';

const seconds = Number(process.argv[2] ?? 4);
const batch = Number(process.argv[3] ?? 32);
const writers = Number(process.argv[4] ?? 2);

await withScratchSchema(writers + 1, async (db, projectId) => {
  const run = async (name: string) => {
    const walBefore = (await db.query<{ s: string }>('SELECT wal_sync::text AS s FROM pg_stat_wal'))[0]!.s;
    const result = await measureClosedLoop(seconds, writers, async () => {
      await insertMessages(
        db,
        Array.from({ length: batch }, () => sampleMessage(projectId)),
      );
      return batch;
    });
    const walAfter = (await db.query<{ s: string }>('SELECT wal_sync::text AS s FROM pg_stat_wal'))[0]!.s;
    console.log(
      `${name.padEnd(34)} ${String(result.perSecond).padStart(6)} rows/s  ` +
        `postgres ${String(result.postgresUsPerUnit).padStart(4)} µs CPU/row  ` +
        `batch ${((result.ms / result.units) * batch).toFixed(2)} ms  ` +
        `WAL flushes/row ${((Number(walAfter) - Number(walBefore)) / result.units).toFixed(3)}`,
    );
  };

  const steps: Array<[string, string]> = [
    ['as migrated', ''],
    ['again', ''],
    ['- the metrics rollup trigger (0010)', 'DROP TRIGGER messages_metrics_insert ON messages'],
    [
      '+ the trigger again',
      'CREATE TRIGGER messages_metrics_insert AFTER INSERT ON messages REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION metrics_count_new_messages()',
    ],
    [
      '+ the foreign keys (before 0007)',
      'ALTER TABLE messages ADD FOREIGN KEY (project_id) REFERENCES projects (id), ADD FOREIGN KEY (endpoint_id) REFERENCES endpoints (id)',
    ],
    [
      '- the foreign keys again',
      'ALTER TABLE messages DROP CONSTRAINT messages_project_id_fkey, DROP CONSTRAINT messages_endpoint_id_fkey',
    ],
    ['- endpoint_waiting_idx', 'DROP INDEX messages_endpoint_waiting_idx'],
    ['- endpoint_created_idx', 'DROP INDEX messages_endpoint_created_idx'],
    ['- project_time_idx', 'DROP INDEX messages_project_time_idx'],
    ['- due_idx', 'DROP INDEX messages_due_idx'],
  ];
  for (const [name, sql] of steps) {
    if (sql) await db.query(sql);
    await run(name);
  }
});
