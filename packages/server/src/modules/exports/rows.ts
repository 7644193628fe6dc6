import type { Queryable } from '../../store/db.js';
import type { ExportRow } from './store.js';

/** The log fields of a message, one CSV row each (MessageSummary, plus the endpoint's id). */
export interface ExportedMessage {
  id: string;
  endpoint_id: string;
  url: string | null;
  status: string;
  attempt_count: number;
  created_at: Date;
  delivered_at: Date | null;
  response_status: number | null;
  response_latency_ms: number | null;
  last_error: string | null;
  /** created_at as PostgreSQL's text: keeps the microseconds a JavaScript Date would drop. */
  position: string;
}

export const OUTBOUND_HEADER = [
  'message_id',
  'endpoint_id',
  'endpoint',
  'status',
  'attempt_count',
  'created_at',
  'delivered_at',
  'response_status',
  'response_latency_ms',
  'last_error',
] as const;
export const INBOUND_HEADER = OUTBOUND_HEADER.map((name) =>
  name === 'endpoint_id' ? 'inbound_endpoint_id' : name,
);

export interface Position {
  createdAt: string;
  id: string;
}

function tables(direction: ExportRow['direction']) {
  return direction === 'outbound'
    ? { messages: 'messages', endpoints: 'endpoints', endpointColumn: 'endpoint_id' }
    : { messages: 'inbound_messages', endpoints: 'inbound_endpoints', endpointColumn: 'inbound_endpoint_id' };
}

/** One page of the export's messages after `after`, oldest first (keyset on created_at, id). */
export function exportPage(
  db: Queryable,
  job: ExportRow,
  after: Position | null,
  limit: number,
): Promise<ExportedMessage[]> {
  const t = tables(job.direction);
  const endpointFilter =
    job.direction === 'outbound' ? job.filter_endpoint_id : job.filter_inbound_endpoint_id;
  // Table and column names come from the fixed map above, never from input; every value is a parameter.
  return db.query<ExportedMessage>(
    `SELECT m.id, m.${t.endpointColumn}::text AS endpoint_id, e.url, m.status, m.attempt_count, m.created_at,
            m.delivered_at, m.response_status, m.response_latency_ms, m.last_error, m.created_at::text AS position
       FROM ${t.messages} m JOIN ${t.endpoints} e ON e.id = m.${t.endpointColumn}
      WHERE m.project_id = $1 AND m.deleted_at IS NULL AND m.created_at >= $2 AND m.created_at <= $3
        AND ($4::text IS NULL OR m.status = $4)
        AND ($5::text IS NULL OR m.${t.endpointColumn}::text = $5)
        AND ($6::timestamptz IS NULL OR (m.created_at, m.id) > ($6, $7::uuid))
      ORDER BY m.created_at, m.id
      LIMIT $8`,
    [
      job.project_id,
      job.filter_start_time,
      job.filter_end_time,
      job.filter_status,
      endpointFilter,
      after?.createdAt ?? null,
      after?.id ?? null,
      limit,
    ],
  );
}

export async function inboundAvailable(db: Queryable): Promise<boolean> {
  const [row] = await db.query<{ present: boolean }>(
    `SELECT to_regclass('inbound_messages') IS NOT NULL AND to_regclass('inbound_endpoints') IS NOT NULL AS present`,
  );
  return row?.present ?? false;
}
