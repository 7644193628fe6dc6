/**
 * When the payload of final message `m` expires, as SQL: the stamped time, or else its first final time
 * (delivered or failed) plus the send's `retention_hours`, or the default days given as parameter
 * `defaultDaysParam` (e.g. `$3`). Only meaningful for final messages. Inbound messages have no per-message
 * retention (`perMessageHours` false).
 */
export function payloadExpirySql(defaultDaysParam: string, perMessageHours = true): string {
  const hours = perMessageHours ? `m.retention_hours * interval '1 hour'` : 'NULL::interval';
  return `COALESCE(m.payload_expires_at,
    COALESCE(m.delivered_at, m.failed_at, m.updated_at)
      + COALESCE(${hours}, ${defaultDaysParam}::int * interval '1 day'))`;
}
