import type { Queryable } from '../../../store/db.js';
import type { Position } from '../../messages/logs/cursor.js';
import { keyset, positionParams } from '../shared/filters.js';

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

export interface InboundLogQuery {
  status: string | null;
  endpointId: string | null;
  /** created_at bounds as RFC 3339 text: from inclusive, to exclusive. */
  from: string | null;
  to: string | null;
  after: Position | null;
  limit: number;
}

const KEY = keyset('m', 'created_at', '$6', '$7');

/** Newest first, keyset on (created_at, id); `limit` + 1 rows so the caller can tell whether more exist. */
export function listInboundLogs(
  db: Queryable,
  projectId: string,
  q: InboundLogQuery,
): Promise<InboundLogRow[]> {
  return db.query<InboundLogRow>(
    `SELECT m.id, m.inbound_endpoint_id, e.url, m.status, m.attempt_count, m.created_at, m.delivered_at,
            m.response_status, m.response_latency_ms, m.last_error,
            round(extract(epoch FROM m.delivered_at - m.created_at) * 1000)::integer AS total_delivery_ms,
            ${KEY.sortKey}
       FROM inbound_messages m JOIN inbound_endpoints e ON e.id = m.inbound_endpoint_id
      WHERE m.project_id = $1 AND m.deleted_at IS NULL
        AND ($2::text IS NULL OR m.status = $2)
        AND ($3::uuid IS NULL OR m.inbound_endpoint_id = $3)
        AND ($4::timestamptz IS NULL OR m.created_at >= $4::timestamptz)
        AND ($5::timestamptz IS NULL OR m.created_at < $5::timestamptz)
        AND ${KEY.after}
      ORDER BY ${KEY.order}
      LIMIT $8`,
    [projectId, q.status, q.endpointId, q.from, q.to, ...positionParams(q.after), q.limit + 1],
  );
}
