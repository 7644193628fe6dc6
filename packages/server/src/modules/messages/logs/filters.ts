import { AppError } from '../../../errors.js';
import { isHexId } from '../../../lib/ids.js';

export const STATUSES = ['queued', 'delivering', 'succeeded', 'pending_retry', 'failed_permanent'] as const;
export type MessageStatus = (typeof STATUSES)[number];

// RFC 3339 with any offset. A space before the offset is a `+` that arrived unencoded in a query string.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+\- ]\d{2}:\d{2})$/;

/** An RFC 3339 timestamp from a query string, as text PostgreSQL reads exactly (microseconds kept). */
export function parseTimestamp(value: string | undefined, field: string): string | null {
  if (value === undefined) return null;
  const text = value.trim().replace(/ (\d{2}:\d{2})$/, '+$1');
  if (!RFC3339.test(text) || Number.isNaN(Date.parse(text)) || !isCalendarDate(text)) {
    throw new AppError(
      'INVALID_REQUEST',
      `${field} must be an RFC 3339 timestamp, e.g. 2025-12-06T12:00:00Z`,
    );
  }
  return text;
}

/** Date.parse rolls 2026-02-30 over to March; PostgreSQL refuses it, which must be a 400, not a 500. */
function isCalendarDate(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** `start_time` and `end_time` (start inclusive, end exclusive); end must come after start. */
export function parseTimeRange(start: string | undefined, end: string | undefined) {
  const from = parseTimestamp(start, 'start_time');
  const to = parseTimestamp(end, 'end_time');
  if (from && to && Date.parse(to) <= Date.parse(from)) {
    throw new AppError('INVALID_REQUEST', 'end_time must be after start_time');
  }
  return { from, to };
}

/** An endpoint id used as a filter: it must be well formed; an unknown one simply matches nothing. */
export function parseEndpointFilter(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (!isHexId('ep', value)) {
    throw new AppError(
      'INVALID_REQUEST',
      'endpoint_id must be in format ep_xxx (ep_ followed by 32 hex digits)',
    );
  }
  return value;
}
