import type { Queryable } from '../../../store/db.js';
import { type InboundListQuery, inboundListSql } from '../shared/filters.js';

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

export type RejectionQuery = InboundListQuery;

/**
 * A project's rejections, newest first. Rejections of unknown endpoints carry no project and so belong to
 * nobody. `limit` + 1 rows so the caller can tell whether more exist.
 */
export function listRejections(db: Queryable, projectId: string, q: RejectionQuery): Promise<RejectionRow[]> {
  const list = inboundListSql('r', 'received_at', 2, q);
  return db.query<RejectionRow>(
    `SELECT r.id, r.reason_code, r.received_at, r.inbound_endpoint_id, r.reason_detail, r.source_ip,
            r.headers_redacted, ${list.sortKey}
       FROM inbound_rejections r
      WHERE r.project_id = $1
        AND ${list.where}
      ORDER BY ${list.order}
      LIMIT ${list.limit}`,
    [projectId, ...list.params],
  );
}
