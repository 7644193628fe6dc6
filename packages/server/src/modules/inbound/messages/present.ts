import { Type } from '@sinclair/typebox';
import { omitEmpty } from '../../../lib/objects.js';
import { toRfc3339 } from '../../../lib/time.js';
import { StatusSchema } from '../../messages/logs/summary.js';
import { presentPayloadAndResponse } from '../../shared/message-fields.js';
import type { InboundMessageRow } from './store.js';

const OptionalString = Type.Optional(Type.String());
const OptionalInt = Type.Optional(Type.Integer());

export const InboundMessage = Type.Object({
  id: Type.String({ format: 'uuid' }),
  project_id: Type.String(),
  inbound_endpoint_id: Type.String({ format: 'uuid' }),
  status: StatusSchema,
  attempt_count: Type.Integer(),
  replay_count: Type.Integer(),
  received_at: Type.String(),
  updated_at: Type.String(),
  content_type: OptionalString,
  size_bytes: OptionalInt,
  payload_sha256: OptionalString,
  idempotency_key: OptionalString,
  next_attempt_at: OptionalString,
  last_error: OptionalString,
  response_status: OptionalInt,
  response_latency_ms: OptionalInt,
  queue_wait_ms: Type.Optional(Type.Integer({ description: 'From receipt to the first attempt' })),
  total_delivery_ms: Type.Optional(Type.Integer({ description: 'From receipt to successful delivery' })),
  delivered_at: OptionalString,
  failed_at: OptionalString,
  deleted_at: Type.Optional(Type.String({ description: 'Set once the message was deleted' })),
  deleted_by_api_key_id: Type.Optional(Type.String({ description: 'The API key that deleted it' })),
});

const msBetween = (from: Date, to: Date | null) => (to ? Math.max(0, to.getTime() - from.getTime()) : null);

/** The documented inbound message object; received_at is when the ingest accepted it. */
export function presentInboundMessage(row: InboundMessageRow) {
  return omitEmpty({
    id: row.id,
    project_id: row.project_id,
    inbound_endpoint_id: row.inbound_endpoint_id,
    status: row.status,
    attempt_count: row.attempt_count,
    replay_count: row.replay_count,
    received_at: toRfc3339(row.created_at)!,
    updated_at: toRfc3339(row.updated_at)!,
    ...presentPayloadAndResponse(row),
    queue_wait_ms: msBetween(row.created_at, row.first_attempt_at),
    total_delivery_ms: msBetween(row.created_at, row.delivered_at),
    delivered_at: toRfc3339(row.delivered_at),
    failed_at: row.status === 'failed_permanent' ? toRfc3339(row.failed_at) : null,
    deleted_at: toRfc3339(row.deleted_at),
    deleted_by_api_key_id: row.deleted_by_api_key_id,
  });
}
