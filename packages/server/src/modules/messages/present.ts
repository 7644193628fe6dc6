import { omitEmpty } from '../../lib/objects.js';
import { toRfc3339 } from '../../lib/time.js';
import { presentPayloadAndResponse } from '../shared/message-fields.js';
import type { StoredAttemptRow } from '../shared/queue-reads.js';
import type { MessageRow } from './store.js';

/** The documented Message object; optional fields are omitted when empty, as HookBridge does. */
export function presentMessage(row: MessageRow) {
  return omitEmpty({
    id: row.id,
    project_id: row.project_id,
    endpoint_id: row.endpoint_id,
    status: row.status,
    mode: row.mode,
    attempt_count: row.attempt_count,
    replay_count: row.replay_count,
    ...presentPayloadAndResponse(row),
    first_attempt_at: toRfc3339(row.first_attempt_at),
    delivered_at: toRfc3339(row.delivered_at),
    failed_at: toRfc3339(row.failed_at),
    retention_hours: row.retention_hours,
    deleted_at: toRfc3339(row.deleted_at),
    deleted_by_api_key_id: row.deleted_by_api_key_id,
    created_at: toRfc3339(row.created_at),
    updated_at: toRfc3339(row.updated_at),
  });
}

/** Timings measured with sub-millisecond precision; the SDKs declare whole milliseconds (int). */
const TIMINGS = ['processing_ms', 'dns_ms', 'tcp_connect_ms', 'tls_handshake_ms', 'ttfb_ms', 'transfer_ms'];

export function presentAttempt(row: StoredAttemptRow) {
  const { created_at, ...rest } = row;
  const whole = Object.fromEntries(
    TIMINGS.filter((field) => typeof rest[field] === 'number').map((field) => [
      field,
      Math.round(rest[field] as number),
    ]),
  );
  return omitEmpty({ ...rest, ...whole, created_at: toRfc3339(created_at) });
}
