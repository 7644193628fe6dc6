import { toRfc3339 } from '../../../lib/time.js';
import { presentVerification } from '../endpoints/schemas.js';
import type { EventCounts, PullEndpointRow } from './endpoint-store.js';
import type { PullEventDetailRow, PullEventRow, PullLogRow } from './event-store.js';

export function presentEndpoint(row: PullEndpointRow, ingestUrl: string | null) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    mode: 'pull' as const,
    ingest_url: ingestUrl,
    active: row.active,
    paused: row.paused,
    retention_days: row.retention_days,
    event_type_source: row.event_type_source,
    event_type_path: row.event_type_path,
    ...presentVerification(row),
    created_at: toRfc3339(row.created_at)!,
    updated_at: toRfc3339(row.updated_at)!,
  };
}

export function presentEndpointWithCounts(
  row: PullEndpointRow,
  ingestUrl: string | null,
  counts: EventCounts,
) {
  return { ...presentEndpoint(row, ingestUrl), counts };
}

export function presentSummary(row: PullEndpointRow, ingestUrl: string | null) {
  return {
    id: row.id,
    name: row.name,
    mode: 'pull' as const,
    active: row.active,
    paused: row.paused,
    ingest_url: ingestUrl,
    created_at: toRfc3339(row.created_at)!,
  };
}

const msBetween = (from: Date | null, to: Date | null) =>
  from && to ? Math.max(0, to.getTime() - from.getTime()) : undefined;

function timing(row: PullEventRow) {
  const result: Record<string, number> = { ingest_processing_ms: row.ingest_processing_ms };
  const toFetch = msBetween(row.received_at, row.fetched_at);
  const toAck = msBetween(row.fetched_at, row.delivered_at);
  const total = msBetween(row.received_at, row.delivered_at);
  if (toFetch !== undefined) result.time_to_fetch_ms = toFetch;
  if (toAck !== undefined) result.time_to_ack_ms = toAck;
  if (total !== undefined) result.total_ms = total;
  return result as { ingest_processing_ms: number };
}

export function presentEvent(row: PullEventRow) {
  return {
    id: row.id,
    event_type: row.event_type,
    status: row.status,
    size_bytes: row.size_bytes,
    fetch_count: row.fetch_count,
    received_at: toRfc3339(row.received_at)!,
    fetched_at: toRfc3339(row.fetched_at),
    delivered_at: toRfc3339(row.delivered_at),
    timing: timing(row),
  };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The body as the caller can best use it: parsed JSON, else text, else base64. */
function decodePayload(bytes: Uint8Array | null): {
  payload: unknown;
  payload_encoding: 'json' | 'text' | 'base64';
} {
  if (!bytes) return { payload: null, payload_encoding: 'text' };
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { payload: Buffer.from(bytes).toString('base64'), payload_encoding: 'base64' };
  }
  try {
    return { payload: JSON.parse(text), payload_encoding: 'json' };
  } catch {
    return { payload: text, payload_encoding: 'text' };
  }
}

export function presentEventDetail(row: PullEventDetailRow) {
  return {
    ...presentEvent(row),
    content_type: row.content_type,
    ...decodePayload(row.payload),
    headers: row.headers,
  };
}

export function presentLog(row: PullLogRow) {
  const { id, ...event } = presentEvent(row);
  const { fetch_count: _count, ...rest } = event;
  return { event_id: id, pull_endpoint_id: row.pull_endpoint_id, endpoint_name: row.endpoint_name, ...rest };
}
