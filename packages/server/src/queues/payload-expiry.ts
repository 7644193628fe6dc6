import type { QueueSource } from './queue-source.js';

/**
 * When the payload of final message `m` of `queue` expires, as SQL: the stamped time, or else its first
 * final time (delivered or failed) plus the send's `retention_hours` (outbound only: inbound messages have
 * no per-message retention), or the default days given as parameter `defaultDaysParam` (e.g. `$3`).
 * Only meaningful for final messages. Retention stamps it; a replay keeps it, so it cannot extend it.
 */
export function payloadExpirySql(queue: QueueSource, defaultDaysParam: string): string {
  const hours = queue.perMessageRetention ? `m.retention_hours * interval '1 hour'` : 'NULL::interval';
  return `COALESCE(m.payload_expires_at,
    COALESCE(m.delivered_at, m.failed_at, m.updated_at)
      + COALESCE(${hours}, ${defaultDaysParam}::int * interval '1 day'))`;
}
