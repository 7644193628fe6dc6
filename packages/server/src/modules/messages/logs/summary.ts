import { Type } from '@sinclair/typebox';
import { toRfc3339 } from '../../../lib/time.js';
import { type MessageStatus, STATUSES } from './filters.js';

export const StatusSchema = Type.Unsafe<MessageStatus>({ type: 'string', enum: [...STATUSES] });
const OptionalString = Type.Optional(Type.String());
const OptionalInt = Type.Optional(Type.Integer());

/** One message in a list (logs, DLQ); `endpoint` is the delivery URL, as HookBridge documents. */
export const MessageSummary = Type.Object({
  message_id: Type.String({ format: 'uuid' }),
  endpoint: Type.String({ description: 'The delivery URL' }),
  endpoint_id: Type.String(),
  status: StatusSchema,
  mode: Type.Union([Type.Literal('live'), Type.Literal('test')]),
  attempt_count: Type.Integer(),
  replay_count: Type.Integer(),
  created_at: Type.String(),
  delivered_at: OptionalString,
  failed_at: OptionalString,
  next_attempt_at: OptionalString,
  response_status: OptionalInt,
  response_latency_ms: OptionalInt,
  last_error: OptionalString,
});

export interface SummaryRow {
  id: string;
  endpoint_id: string;
  url: string;
  status: MessageStatus;
  mode: 'live' | 'test';
  attempt_count: number;
  replay_count: number;
  created_at: Date;
  delivered_at: Date | null;
  failed_at: Date | null;
  next_attempt_at: Date | null;
  response_status: number | null;
  response_latency_ms: number | null;
  last_error: string | null;
  /** The sort key in microseconds since the epoch, as text (exact), for the next cursor. */
  sort_us: string;
}

export function presentSummary(row: SummaryRow) {
  const summary = {
    message_id: row.id,
    endpoint: row.url,
    endpoint_id: row.endpoint_id,
    status: row.status,
    mode: row.mode,
    attempt_count: row.attempt_count,
    replay_count: row.replay_count,
    created_at: toRfc3339(row.created_at)!,
    delivered_at: toRfc3339(row.delivered_at),
    failed_at: row.status === 'failed_permanent' ? toRfc3339(row.failed_at) : null,
    next_attempt_at: row.status === 'pending_retry' ? toRfc3339(row.next_attempt_at) : null,
    response_status: row.response_status,
    response_latency_ms: row.response_latency_ms,
    last_error: row.last_error,
  };
  return Object.fromEntries(Object.entries(summary).filter(([, v]) => v !== null)) as typeof summary;
}
