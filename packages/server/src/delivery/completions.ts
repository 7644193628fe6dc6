import type { Logger } from 'pino';
import type { Db } from '../store/db.js';
import type { QueueSource } from '../queues/queue-source.js';

/** The attempts-table row a completion inserts (read back as StoredAttemptRow). */
export interface NewAttemptRow {
  id: string;
  message_id: string;
  project_id: string;
  endpoint_id: string;
  attempt_no: number;
  response_status: number | null;
  response_latency_ms: number | null;
  processing_ms: number | null;
  error_text: string | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
  response_body_truncated: boolean;
  request_headers: Record<string, string>;
  retry_type: 'slow' | 'fast' | null;
  retry_after_seconds: number | null;
  resolved_ip: string | null;
  dns_ms: number | null;
  tcp_connect_ms: number | null;
  tls_handshake_ms: number | null;
  ttfb_ms: number | null;
  transfer_ms: number | null;
  conn_reused: boolean | null;
  created_at: string;
}

export interface Completion {
  message_id: string;
  status: 'succeeded' | 'pending_retry' | 'failed_permanent';
  next_attempt_at: string | null;
  attempt_count: number;
  fast_retry_count: number;
  last_error: string | null;
  response_status: number | null;
  response_latency_ms: number | null;
  attempted_at: string | null;
  attempt: NewAttemptRow | null;
}

/**
 * Writes finished attempts in batches: one statement inserts the attempt rows and updates their
 * messages, so a worker at thousands of deliveries a second makes a few hundred round trips, not
 * thousands. Only the lease holder may update a message (`locked_by`, which is set exactly while a
 * message is `delivering`); an attempt whose lease was lost is still recorded, unless its message was
 * deleted (or no longer exists). The statement finds its messages by primary key: with
 * `status = 'delivering'` in the condition PostgreSQL chose to scan the partial lease index instead, whose
 * dead entries only vacuum removes, so each statement read every message delivered since the last vacuum
 * (`bench/experiments/completion-plan.ts`). A retry is turned into a permanent failure when the endpoint
 * was deleted meanwhile, and held when it was paused.
 */
export class CompletionWriter {
  private pending: Completion[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly source: QueueSource,
    private readonly workerId: string,
    private readonly log: Logger,
    /**
     * Called with the batch after it is committed: the worker stops tracking its messages, and wakes for
     * the retries it scheduled (they may be due before the worker's next wake-up).
     */
    private readonly onWritten: (batch: Completion[]) => void = () => {},
    private readonly maxBatch = 200,
    private readonly maxDelayMs = 5,
  ) {}

  add(completion: Completion): void {
    this.pending.push(completion);
    if (this.pending.length >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.maxDelayMs);
  }

  get backlog(): number {
    return this.pending.length;
  }

  /** Writes everything added so far; resolves when it is committed. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(() => (batch.length ? this.write(batch) : undefined));
    return this.flushing;
  }

  private async write(batch: Completion[]): Promise<void> {
    for (let delay = 100; ; delay = Math.min(delay * 2, 5000)) {
      try {
        await writeCompletions(this.db, this.source, batch, this.workerId);
        this.onWritten(batch);
        return;
      } catch (error) {
        // The store is unreachable: keep the batch and try again; leases cover a crash meanwhile.
        this.log.error({ err: error, count: batch.length }, 'recording delivery results failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

export async function writeCompletions(
  db: Db,
  source: QueueSource,
  batch: Completion[],
  workerId: string,
): Promise<void> {
  const { messages, attempts: attemptsTable, endpoints, endpointColumn, endpointType } = source;
  const attempts = batch.flatMap((c) => (c.attempt ? [c.attempt] : []));
  const updates = batch.map(({ attempt: _attempt, ...update }) => update);
  await db.query(
    `WITH results AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS u(message_id uuid, status text,
              next_attempt_at timestamptz, attempt_count int, fast_retry_count int, last_error text,
              response_status int, response_latency_ms int, attempted_at timestamptz)
     ), decided AS (
       SELECT r.*, (r.status = 'pending_retry' AND ${source.endsWithEndpoint}) AS orphaned,
              ${source.holdsWhilePaused} AS paused
         FROM results r JOIN ${messages} m ON m.id = r.message_id JOIN ${endpoints} e ON e.id = m.${endpointColumn}
     ), updated AS (
       UPDATE ${messages} m
          SET status = CASE WHEN d.orphaned THEN 'failed_permanent' ELSE d.status END,
              last_error = CASE WHEN d.orphaned THEN 'endpoint deleted' ELSE d.last_error END,
              next_attempt_at = CASE WHEN d.orphaned THEN NULL ELSE d.next_attempt_at END,
              held = d.status = 'pending_retry' AND d.paused AND NOT d.orphaned,
              attempt_count = d.attempt_count,
              fast_retry_count = d.fast_retry_count,
              response_status = COALESCE(d.response_status, m.response_status),
              response_latency_ms = COALESCE(d.response_latency_ms, m.response_latency_ms),
              first_attempt_at = COALESCE(m.first_attempt_at, d.attempted_at),
              delivered_at = CASE WHEN d.status = 'succeeded' THEN now() ELSE m.delivered_at END,
              failed_at = CASE WHEN d.status = 'failed_permanent' OR d.orphaned THEN now() ELSE NULL END,
              locked_until = NULL, locked_by = NULL, updated_at = now()
         FROM decided d
        WHERE m.id = d.message_id AND m.locked_by = $3
       RETURNING m.id
     ), submitted AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS a(id uuid, message_id uuid, project_id uuid,
              endpoint_id ${endpointType}, attempt_no int, response_status int, response_latency_ms int, processing_ms real,
              error_text text, response_headers jsonb, response_body text, response_body_truncated boolean,
              request_headers jsonb, retry_type text, retry_after_seconds int, resolved_ip text, dns_ms real,
              tcp_connect_ms real, tls_handshake_ms real, ttfb_ms real, transfer_ms real, conn_reused boolean,
              created_at timestamptz)
     ), lost AS (
       -- Attempts whose lease was lost are still recorded, unless their message was deleted meanwhile. The
       -- share lock waits for a deletion in progress and then sees it, so a deletion's scrub of attempt
       -- bodies (which runs after it commits its row) never misses an attempt written by this statement.
       -- Only those messages are read: normally none, so the common batch pays no extra lookups.
       SELECT lm.id FROM ${messages} lm
        WHERE lm.id IN (SELECT s.message_id FROM submitted s WHERE s.message_id NOT IN (SELECT id FROM updated))
          AND lm.deleted_at IS NULL
          FOR SHARE OF lm
     )
     INSERT INTO ${attemptsTable} (id, message_id, project_id, ${endpointColumn}, attempt_no, response_status,
            response_latency_ms, processing_ms, error_text, response_headers, response_body,
            response_body_truncated, request_headers, retry_type, retry_after_seconds, resolved_ip, dns_ms,
            tcp_connect_ms, tls_handshake_ms, ttfb_ms, transfer_ms, conn_reused, created_at)
     SELECT s.* FROM submitted s
      WHERE s.message_id IN (SELECT id FROM updated) OR s.message_id IN (SELECT id FROM lost)`,
    [jsonWithoutNul(attempts), jsonWithoutNul(updates), workerId],
  );
}

/**
 * JSON for jsonb, with U+0000 (which PostgreSQL text cannot hold, and a receiver's response body may
 * contain) replaced by U+FFFD. The replacer function visits every value and cost ~15 µs per completion, so
 * it only runs when the plain encoding shows an escaped NUL (or a backslash before "u0000", which is rarer
 * still and harmless to re-encode).
 */
export function jsonWithoutNul(value: unknown): string {
  const json = JSON.stringify(value);
  return json.includes('\\u0000') ? JSON.stringify(value, replaceNul) : json;
}

function replaceNul(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}
