import { type Static, Type } from '@sinclair/typebox';
import { toRfc3339 } from '../../lib/time.js';
import type { ExportRow } from './store.js';

const OptionalString = Type.Optional(Type.String());
const OptionalInt = Type.Optional(Type.Integer());

export const ExportRecord = Type.Object({
  id: Type.String({ format: 'uuid' }),
  project_id: Type.String(),
  status: Type.Union(['pending', 'processing', 'completed', 'failed', 'expired'].map((s) => Type.Literal(s))),
  direction: Type.Union([Type.Literal('outbound'), Type.Literal('inbound')]),
  filter_start_time: Type.String(),
  filter_end_time: Type.String(),
  filter_status: OptionalString,
  filter_endpoint_id: Type.Optional(Type.String({ description: 'the endpoint id as a dashed UUID' })),
  filter_inbound_endpoint_id: OptionalString,
  row_count: OptionalInt,
  file_size_bytes: OptionalInt,
  error_message: OptionalString,
  started_at: OptionalString,
  completed_at: OptionalString,
  expires_at: OptionalString,
  created_at: Type.String(),
});

/** `ep_<32 hex>` → the dashed UUID HookBridge shows in `filter_endpoint_id`. */
function endpointUuid(id: string | null): string | null {
  if (!id) return null;
  const h = id.slice(3);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The documented ExportRecord; a completed export past `expires_at` reads as `expired`. */
export function presentExport(row: ExportRow, now = Date.now()): Static<typeof ExportRecord> {
  const expired = row.status === 'completed' && row.expires_at !== null && row.expires_at.getTime() <= now;
  const record = {
    id: row.id,
    project_id: row.project_id,
    status: expired ? 'expired' : row.status,
    direction: row.direction,
    filter_start_time: toRfc3339(row.filter_start_time)!,
    filter_end_time: toRfc3339(row.filter_end_time)!,
    filter_status: row.filter_status,
    filter_endpoint_id: endpointUuid(row.filter_endpoint_id),
    filter_inbound_endpoint_id: row.filter_inbound_endpoint_id,
    row_count: row.row_count,
    file_size_bytes: row.file_size_bytes,
    error_message: row.error_message,
    started_at: toRfc3339(row.started_at),
    completed_at: toRfc3339(row.completed_at),
    expires_at: toRfc3339(row.expires_at),
    created_at: toRfc3339(row.created_at)!,
  };
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== null)) as Static<
    typeof ExportRecord
  >;
}
