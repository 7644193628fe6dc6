import type { Queryable } from '../../../store/db.js';
import type { Position } from './cursor.js';
import type { SummaryRow } from './summary.js';

export interface SummaryQuery {
  endpointId?: string | null;
  status?: string | null;
  mode?: string | null;
  /** created_at bounds as RFC 3339 text: from inclusive, to exclusive. */
  from?: string | null;
  to?: string | null;
  after: Position | null;
  limit: number;
}

/**
 * A page of a project's messages, newest first by `sortBy` then id (keyset pagination): rows inserted
 * while a client pages sort before its cursor, so later pages never skip or repeat one. `dlq` restricts
 * to failed_permanent with a literal predicate, so the planner can use the DLQ's partial index.
 * Fetches `limit` + 1 rows so the caller can tell whether more exist.
 */
export function listSummaries(
  db: Queryable,
  projectId: string,
  sortBy: 'created_at' | 'failed_at',
  query: SummaryQuery,
): Promise<SummaryRow[]> {
  const params: unknown[] = [projectId];
  const where = ['m.project_id = $1', 'm.deleted_at IS NULL'];
  const add = (sql: (n: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (sortBy === 'failed_at') where.push(`m.status = 'failed_permanent'`);
  if (query.endpointId) add((n) => `m.endpoint_id = ${n}`, query.endpointId);
  if (query.status) add((n) => `m.status = ${n}`, query.status);
  if (query.mode) add((n) => `m.mode = ${n}`, query.mode);
  if (query.from) add((n) => `m.created_at >= ${n}::timestamptz`, query.from);
  if (query.to) add((n) => `m.created_at < ${n}::timestamptz`, query.to);
  if (query.after) {
    params.push(query.after.micros, query.after.id);
    const [t, id] = [`$${params.length - 1}`, `$${params.length}`];
    where.push(
      `(m.${sortBy}, m.id) < (timestamptz 'epoch' + ${t}::bigint * interval '1 microsecond', ${id}::uuid)`,
    );
  }
  params.push(query.limit + 1);
  return db.query<SummaryRow>(
    `SELECT m.id, m.endpoint_id, e.url, m.status, m.mode, m.attempt_count, m.replay_count, m.created_at,
            m.delivered_at, m.failed_at, m.next_attempt_at, m.response_status, m.response_latency_ms,
            m.last_error, (extract(epoch FROM m.${sortBy}) * 1000000)::bigint::text AS sort_us
       FROM messages m JOIN endpoints e ON e.id = m.endpoint_id
      WHERE ${where.join(' AND ')}
      ORDER BY m.${sortBy} DESC, m.id DESC
      LIMIT $${params.length}`,
    params,
  );
}

/** Splits the extra row off a page and makes the cursor for the next one. */
export function toPage<T extends { id: string; sort_us: string }>(rows: T[], limit: number) {
  const hasMore = rows.length > limit;
  const shown = hasMore ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  return { rows: shown, hasMore, last: hasMore && last ? { micros: last.sort_us, id: last.id } : null };
}
