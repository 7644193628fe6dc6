import type { Logger } from 'pino';
import type { Db, Queryable } from '../../store/db.js';

const HOUR_MS = 3_600_000;

/**
 * Folds the rows the triggers appended (migration 0010) into one merged row per (project, hour,
 * endpoint): the rows of every key that has fresh ones are deleted and their sums inserted in one
 * statement, so a reader sees either the parts or their sum. Safe to run from several processes.
 * Returns how many keys it merged.
 */
export async function mergeMetricsRollup(db: Queryable): Promise<number> {
  const rows = await db.query<{ keys: number }>(
    `WITH fresh AS (
       SELECT DISTINCT project_id, hour, endpoint_id FROM metrics_hourly WHERE NOT merged
     ), parts AS (
       DELETE FROM metrics_hourly h USING fresh f
        WHERE h.project_id = f.project_id AND h.hour = f.hour AND h.endpoint_id = f.endpoint_id
       RETURNING h.*
     ), merged AS (
       INSERT INTO metrics_hourly (project_id, hour, endpoint_id, total, succeeded, failed, retrying, retries,
                                   latency_sum, latency_count, merged)
       SELECT project_id, hour, endpoint_id, sum(total), sum(succeeded), sum(failed), sum(retrying), sum(retries),
              sum(latency_sum), sum(latency_count), true
         FROM parts GROUP BY 1, 2, 3
       RETURNING 1
     )
     SELECT count(*) AS keys FROM merged`,
  );
  return rows[0]?.keys ?? 0;
}

/** Runs mergeMetricsRollup every `intervalMs` (worker processes; readers are exact without it, only slower). */
export class MetricsRollupJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly intervalMs = 2000,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = mergeMetricsRollup(this.db)
        .catch((error) =>
          this.log.error({ err: error }, 'merging the metrics rollup failed; retrying at the next interval'),
        )
        .finally(() => {
          this.running = null;
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}

/** The first whole hour at or after `at`: rows before it are read raw, the hours from it from the rollup. */
export function nextHour(at: Date): Date {
  return new Date(Math.ceil(at.getTime() / HOUR_MS) * HOUR_MS);
}
