import type { Logger } from 'pino';
import type { Db } from './db.js';

/** VACUUM every 10 minutes; a few hundred milliseconds on a store of some 100,000 messages. */
export const VACUUM_INTERVAL_MS = 10 * 60_000;
/** How often the WAL written since the last checkpoint is looked at (one cheap query). */
export const WAL_CHECK_INTERVAL_MS = 30_000;
/** A checkpoint once this much WAL was written since the last: pg_wal stays near two 16 MB segments. */
export const CHECKPOINT_WAL_BYTES = 32 * 1024 * 1024;

/**
 * What PostgreSQL's background processes would do, for the embedded store, which has none (PGlite is a
 * single-user backend: no checkpointer, no autovacuum, and max_wal_size triggers no checkpoint). Without
 * it the WAL grows by every byte written until the process stops (337 MB after 12,500 messages), and the
 * space of updated and deleted rows (every delivery updates its message; retention deletes) is never
 * reused. CHECKPOINT lets the WAL be recycled; VACUUM makes dead rows' space reusable. Both hold the
 * store's single connection while they run.
 */
export class EmbeddedMaintenance {
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  start(): void {
    const every = (ms: number, work: () => Promise<unknown>) => {
      const timer = setInterval(() => {
        this.running = this.running.then(work).catch((error: unknown) => {
          this.log.warn({ err: error }, 'embedded store maintenance failed; retried at the next interval');
        });
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(WAL_CHECK_INTERVAL_MS, () => this.checkpointIfDue());
    every(VACUUM_INTERVAL_MS, () => this.runOnce());
  }

  /** Checkpoints when CHECKPOINT_WAL_BYTES of WAL were written since the last checkpoint. */
  async checkpointIfDue(): Promise<boolean> {
    const [row] = await this.db.query<{ written: string }>(
      `SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), redo_lsn)::text AS written FROM pg_control_checkpoint()`,
    );
    if (Number(row?.written ?? 0) < CHECKPOINT_WAL_BYTES) return false;
    await this.db.exec('CHECKPOINT');
    return true;
  }

  async runOnce(): Promise<void> {
    await this.db.exec('VACUUM (ANALYZE)');
    await this.db.exec('CHECKPOINT');
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.running;
  }
}
