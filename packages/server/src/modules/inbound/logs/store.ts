import type { Queryable } from '../../../store/db.js';
import { type InboundListQuery, inboundListSql } from '../shared/filters.js';

export interface InboundLogRow {
  id: string;
  inbound_endpoint_id: string;
  url: string | null;
  status: string;
  attempt_count: number;
  created_at: Date;
  delivered_at: Date | null;
  response_status: number | null;
  response_latency_ms: number | null;
  last_error: string | null;
  total_delivery_ms: number | null;
  sort_us: string;
}

export interface InboundLogQuery extends InboundListQuery {
  status: string | null;
}

/** Newest first, keyset on (created_at, id); `limit` + 1 rows so the caller can tell whether more exist. */
export function listInboundLogs(
  db: Queryable,
  projectId: string,
  q: InboundLogQuery,
): Promise<InboundLogRow[]> {
  const list = inboundListSql('m', 'created_at', 3, q);
  return db.query<InboundLogRow>(
    `SELECT m.id, m.inbound_endpoint_id, e.url, m.status, m.attempt_count, m.created_at, m.delivered_at,
            m.response_status, m.response_latency_ms, m.last_error,
            round(extract(epoch FROM m.delivered_at - m.created_at) * 1000)::integer AS total_delivery_ms,
            ${list.sortKey}
       FROM inbound_messages m JOIN inbound_endpoints e ON e.id = m.inbound_endpoint_id
      WHERE m.project_id = $1 AND m.deleted_at IS NULL
        AND ($2::text IS NULL OR m.status = $2)
        AND ${list.where}
      ORDER BY ${list.order}
      LIMIT ${list.limit}`,
    [projectId, q.status, ...list.params],
  );
}
