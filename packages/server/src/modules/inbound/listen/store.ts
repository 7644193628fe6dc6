import { newUuid } from '../../../lib/ids.js';
import type { Queryable } from '../../../store/db.js';

/** What a listener is sent about one inbound message. */
export interface StreamMessage {
  id: string;
  endpoint_id: string;
  content_type: string | null;
  headers: Record<string, string>;
  /** Null once the retention job has removed it. */
  payload: Uint8Array | null;
  size_bytes: number;
  /** A replay offers the message again: a listener that already had it must be sent it once more. */
  replay_count: number;
  created_at: Date;
  /** The ingest's request line (migration 0017): POST/''/'' for rows from before. */
  request_method: string | null;
  path_suffix: string | null;
  query_string: string | null;
}

/**
 * The payload travels as base64 text: the embedded store's driver decodes a bytea result in JavaScript at
 * about 250 ms per MB, holding the event loop, while base64 text of the same bytes costs it about 20 ms
 * (and Node decodes it natively). On PostgreSQL it is also fewer bytes on the wire than bytea's hex.
 */
const COLUMNS = `id::text AS id, inbound_endpoint_id::text AS endpoint_id, content_type, headers,
  encode(payload, 'base64') AS payload_base64, size_bytes, replay_count, created_at,
  request_method, path_suffix, query_string`;

type Row = Omit<StreamMessage, 'payload'> & { payload_base64: string | null };

function toMessage({ payload_base64, ...row }: Row): StreamMessage {
  return { ...row, payload: payload_base64 === null ? null : Buffer.from(payload_base64, 'base64') };
}

async function select(db: Queryable, sql: string, params: unknown[]): Promise<StreamMessage[]> {
  return (await db.query<Row>(sql, params)).map(toMessage);
}

/**
 * The endpoint's (parameter $1) live messages matching `where`, oldest first: at most `$<limitParam>`, and
 * no more than fit in `$<bytesParam>` bytes of payload (always at least one), so a backlog of large bodies
 * is read a few at a time rather than as one result of many megabytes.
 */
function boundedPage(where: string, limitParam: number, bytesParam: number): string {
  return `SELECT ${COLUMNS} FROM inbound_messages
      WHERE id IN (
        SELECT id FROM (
          SELECT id, sum(size_bytes) OVER (ORDER BY id) - size_bytes AS bytes_before
            FROM inbound_messages
           WHERE inbound_endpoint_id = $1 AND deleted_at IS NULL AND ${where}
           ORDER BY id LIMIT $${limitParam}
        ) page
        WHERE bytes_before < $${bytesParam})
      ORDER BY id`;
}

/** Messages by id, in the order asked for (ids come from trusted notifications). */
export async function loadMessages(db: Queryable, ids: readonly string[]): Promise<StreamMessage[]> {
  const rows = await select(
    db,
    `SELECT ${COLUMNS} FROM inbound_messages WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`,
    [ids],
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id)).filter((row): row is StreamMessage => row !== undefined);
}

/**
 * The endpoint's messages no listener has reported a result for, oldest first, after `afterId`, paged by
 * count and bytes (boundedPage).
 */
export function loadNotHandedOver(
  db: Queryable,
  endpointId: string,
  afterId: string | null,
  limit: number,
  maxBytes: number = Number.MAX_SAFE_INTEGER,
): Promise<StreamMessage[]> {
  return select(db, boundedPage('handed_over_at IS NULL AND ($2::uuid IS NULL OR id > $2::uuid)', 3, 4), [
    endpointId,
    afterId,
    limit,
    maxBytes,
  ]);
}

/**
 * A page for the polling fallback, oldest first: at most `limit` messages and no more than fit in
 * `maxBytes` of payload (always at least one, as the WebSocket backlog), with whether more are waiting.
 * Without `afterId` the page is what no listener was handed (as loadNotHandedOver). With it: the messages
 * after `afterId`, and also those at or before it that were never handed over. UUIDv7 ids are taken before
 * the insert commits, so a message from a slower ingest (or another process) can become visible with an id
 * below a cursor already given out; a replayed message also sits below it. Pages are marked handed over
 * (markHandedOver), so such a message is listed once more and no more.
 */
export async function loadPollPage(
  db: Queryable,
  endpointId: string,
  afterId: string | null,
  limit: number,
  maxBytes: number,
): Promise<{ messages: StreamMessage[]; hasMore: boolean }> {
  // The candidates (one more than a page, no payloads) decide both the page and has_more, so a page cut
  // short by bytes still says more are waiting.
  const rows = await db.query<Row & { candidates: number }>(
    `WITH candidates AS (
       SELECT id, sum(size_bytes) OVER (ORDER BY id) - size_bytes AS bytes_before,
              row_number() OVER (ORDER BY id) AS n
         FROM inbound_messages
        WHERE inbound_endpoint_id = $1 AND deleted_at IS NULL
          AND (CASE WHEN $2::uuid IS NULL THEN handed_over_at IS NULL
                    ELSE id > $2::uuid OR handed_over_at IS NULL END)
        ORDER BY id LIMIT $3::int + 1
     )
     SELECT ${COLUMNS}, (SELECT count(*) FROM candidates)::int AS candidates
       FROM inbound_messages
      WHERE id IN (SELECT id FROM candidates WHERE n <= $3::int AND bytes_before < $4)
      ORDER BY id`,
    [endpointId, afterId, limit, maxBytes],
  );
  const hasMore = rows.length > 0 && rows[0]!.candidates > rows.length;
  return { messages: rows.map(({ candidates: _, ...row }) => toMessage(row)), hasMore };
}

/** Messages a poll returned: a later poll no longer lists them below its cursor, nor a socket's backlog. */
export async function markHandedOver(db: Queryable, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `UPDATE inbound_messages SET handed_over_at = now()
      WHERE id = ANY($1::uuid[]) AND handed_over_at IS NULL`,
    [ids],
  );
}

/**
 * A listener forwarded the message locally and got `status` back: the message is handed over and counts
 * as delivered whatever the status (the local answer is informational), and the result is kept as an
 * attempt. Scoped to the listener's project and endpoint; returns whether a message matched.
 */
export async function recordDeliveryResult(
  db: Queryable,
  scope: { projectId: string; endpointId: string },
  result: { messageId: string; status: number; latencyMs: number },
): Promise<boolean> {
  const rows = await db.query(
    `WITH updated AS (
       UPDATE inbound_messages
          SET status = 'succeeded', response_status = $4, response_latency_ms = $5,
              attempt_count = attempt_count + 1, first_attempt_at = COALESCE(first_attempt_at, now()),
              delivered_at = now(), handed_over_at = COALESCE(handed_over_at, now()), last_error = NULL,
              updated_at = now()
        WHERE id = $3 AND project_id = $1 AND inbound_endpoint_id = $2 AND deleted_at IS NULL
        RETURNING id, project_id, inbound_endpoint_id, attempt_count
     )
     INSERT INTO inbound_attempts (id, message_id, project_id, inbound_endpoint_id, attempt_no, response_status,
                                   response_latency_ms)
     SELECT $6, id, project_id, inbound_endpoint_id, attempt_count, $4, $5 FROM updated
     RETURNING message_id`,
    [scope.projectId, scope.endpointId, result.messageId, result.status, result.latencyMs, newUuid()],
  );
  return rows.length > 0;
}

/**
 * A resuming listener's backlog (`after` on the socket, hb's resume point), oldest first, after `pageAfter`:
 * what no listener was handed, and every message after `resumeAfter` even if another listener took it.
 */
export function loadResumeBacklog(
  db: Queryable,
  endpointId: string,
  resumeAfter: string,
  pageAfter: string | null,
  limit: number,
  maxBytes: number = Number.MAX_SAFE_INTEGER,
): Promise<StreamMessage[]> {
  return select(
    db,
    boundedPage('($3::uuid IS NULL OR id > $3::uuid) AND (handed_over_at IS NULL OR id > $2::uuid)', 4, 5),
    [endpointId, resumeAfter, pageAfter, limit, maxBytes],
  );
}

/** How many messages a connecting listener's backlog holds (the hello frame's `backlog`). */
export async function countBacklog(db: Queryable, endpointId: string, resumeAfter: string | null) {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM inbound_messages
      WHERE inbound_endpoint_id = $1 AND deleted_at IS NULL
        AND (handed_over_at IS NULL OR ($2::uuid IS NOT NULL AND id > $2::uuid))`,
    [endpointId, resumeAfter],
  );
  return rows[0]?.n ?? 0;
}

/** A listener handled these messages without a local HTTP answer (inspect mode, app down): handed over. */
export async function acknowledge(db: Queryable, endpointId: string, ids: readonly string[]) {
  if (ids.length === 0) return 0;
  const rows = await db.query(
    `UPDATE inbound_messages SET handed_over_at = now()
      WHERE inbound_endpoint_id = $1 AND id = ANY($2::uuid[]) AND handed_over_at IS NULL
      RETURNING id`,
    [endpointId, ids],
  );
  return rows.length;
}
