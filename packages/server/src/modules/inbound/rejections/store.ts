import type { Queryable } from '../../../store/db.js';
import { keyset, positionParams } from '../shared/filters.js';
import type { Position } from '../../messages/logs/cursor.js';

export interface RejectionRow {
  id: string;
  reason_code: string;
  received_at: Date;
  inbound_endpoint_id: string | null;
  reason_detail: string | null;
  source_ip: string | null;
  headers_redacted: string | null;
  sort_us: string;
}

export interface RejectionQuery {
  endpointId: string | null;
  /** received_at bounds as RFC 3339 text: from inclusive, to exclusive. */
  from: string | null;
  to: string | null;
  after: Position | null;
  limit: number;
}

const KEY = keyset('r', 'received_at', '$5', '$6');

/**
 * A project's rejections, newest first. Rejections of unknown endpoints carry no project and so belong to
 * nobody. `limit` + 1 rows so the caller can tell whether more exist.
 */
export function listRejections(db: Queryable, projectId: string, q: RejectionQuery): Promise<RejectionRow[]> {
  return db.query<RejectionRow>(
    `SELECT r.id, r.reason_code, r.received_at, r.inbound_endpoint_id, r.reason_detail, r.source_ip,
            r.headers_redacted, ${KEY.sortKey}
       FROM inbound_rejections r
      WHERE r.project_id = $1
        AND ($2::uuid IS NULL OR r.inbound_endpoint_id = $2)
        AND ($3::timestamptz IS NULL OR r.received_at >= $3::timestamptz)
        AND ($4::timestamptz IS NULL OR r.received_at < $4::timestamptz)
        AND ${KEY.after}
      ORDER BY ${KEY.order}
      LIMIT $7`,
    [projectId, q.endpointId, q.from, q.to, ...positionParams(q.after), q.limit + 1],
  );
}
