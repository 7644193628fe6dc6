import type { Queryable } from '../../store/db.js';
import { addMonths, isoDate } from './months.js';

/** Usage counts live-mode messages only: test-mode keys are free. */

export async function countLiveMessages(
  db: Queryable,
  projectId: string,
  from: number,
  to: number,
): Promise<number> {
  const [row] = await db.query<{ count: number }>(
    `SELECT count(*) AS count FROM messages
      WHERE project_id = $1 AND mode = 'live' AND created_at >= $2 AND created_at < $3`,
    [projectId, new Date(from), new Date(to)],
  );
  return row?.count ?? 0;
}

/** Counts per month in [from, to), keyed by the month's `YYYY-MM-DD` first day; months without messages are absent. */
export async function countLiveMessagesByMonth(
  db: Queryable,
  projectId: string,
  from: number,
  to: number,
): Promise<Map<string, number>> {
  const rows = await db.query<{ period_start: string; count: number }>(
    `SELECT to_char(date_trunc('month', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS period_start,
            count(*) AS count
       FROM messages
      WHERE project_id = $1 AND mode = 'live' AND created_at >= $2 AND created_at < $3
      GROUP BY 1`,
    [projectId, new Date(from), new Date(to)],
  );
  return new Map(rows.map((row) => [row.period_start, row.count]));
}

export async function frozenMonths(
  db: Queryable,
  projectId: string,
  from: number,
  to: number,
): Promise<Map<string, number>> {
  const rows = await db.query<{ period_start: string; message_count: number }>(
    `SELECT to_char(period_start, 'YYYY-MM-DD') AS period_start, message_count FROM usage_monthly
      WHERE project_id = $1 AND period_start >= $2::date AND period_start < $3::date`,
    [projectId, isoDate(from), isoDate(to)],
  );
  return new Map(rows.map((row) => [row.period_start, row.message_count]));
}

export async function freezeMonths(
  db: Queryable,
  projectId: string,
  counts: Array<[string, number]>,
): Promise<void> {
  if (counts.length === 0) return;
  await db.query(
    `INSERT INTO usage_monthly (project_id, period_start, message_count)
     SELECT $1, p, c FROM unnest($2::date[], $3::bigint[]) AS u(p, c)
     ON CONFLICT (project_id, period_start) DO NOTHING`,
    [projectId, counts.map(([month]) => month), counts.map(([, count]) => count)],
  );
}

/** Freezes the month before `month` for every project, so its count survives metadata retention. */
export async function freezeMonthForAllProjects(db: Queryable, month: number): Promise<void> {
  const previous = addMonths(month, -1);
  await db.query(
    `INSERT INTO usage_monthly (project_id, period_start, message_count)
     SELECT project_id, $1::date, count(*) FROM messages
      WHERE mode = 'live' AND created_at >= $2 AND created_at < $3
      GROUP BY project_id
     ON CONFLICT (project_id, period_start) DO NOTHING`,
    [isoDate(previous), new Date(previous), new Date(month)],
  );
}

export async function projectCreatedAt(db: Queryable, projectId: string): Promise<Date | null> {
  const [row] = await db.query<{ created_at: Date }>('SELECT created_at FROM projects WHERE id = $1', [
    projectId,
  ]);
  return row?.created_at ?? null;
}
