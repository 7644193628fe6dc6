import { Type } from '@sinclair/typebox';
import { AppError } from '../../../errors.js';
import { isUuid } from '../../../lib/ids.js';
import { decodeCursor, encodeCursor, type Position } from '../../messages/logs/cursor.js';
import { parseTimeRange } from '../../messages/logs/filters.js';

/** An inbound endpoint id used as a filter: it must be a UUID; an unknown one simply matches nothing. */
export function parseInboundEndpointFilter(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (!isUuid(value)) throw new AppError('INVALID_REQUEST', 'inbound_endpoint_id must be a UUID');
  return value.toLowerCase();
}

/** start_time and end_time exactly as /v1/logs reads them. */
export const parseInboundTimeRange = parseTimeRange;

/** The query fields inbound-logs and inbound-rejections share (as /v1/logs: start inclusive, end exclusive). */
export const InboundListQueryFields = {
  inbound_endpoint_id: Type.Optional(Type.String({ description: 'an inbound endpoint id (UUID)' })),
  start_time: Type.Optional(Type.String({ description: 'RFC 3339, any offset; inclusive' })),
  end_time: Type.Optional(Type.String({ description: 'RFC 3339, any offset; exclusive' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ description: 'meta.next_cursor of the previous page' })),
};

/** The parsed InboundListQueryFields: the filter, time range and page of a store query. */
export function parseInboundListQuery(query: {
  inbound_endpoint_id?: string | undefined;
  start_time?: string | undefined;
  end_time?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}) {
  const { from, to } = parseInboundTimeRange(query.start_time, query.end_time);
  return {
    endpointId: parseInboundEndpointFilter(query.inbound_endpoint_id),
    from,
    to,
    after: query.cursor ? decodeCursor(query.cursor) : null,
    limit: query.limit ?? 50,
  };
}

export const PageMeta = {
  next_cursor: Type.Union([Type.String(), Type.Null()]),
  has_more: Type.Boolean(),
};

/**
 * SQL for a newest-first keyset walk over (`alias.column`, `alias.id`), with the same cursor as /v1/logs:
 * the key is exact microseconds as text (a JavaScript Date would cut it to milliseconds and make pages
 * skip or repeat rows). `t` and `id` are the placeholders of the cursor's position (see positionParams).
 */
export function keyset(alias: string, column: string, t: string, id: string) {
  const key = `${alias}.${column}`;
  return {
    sortKey: `(extract(epoch FROM ${key}) * 1000000)::bigint::text AS sort_us`,
    after: `(${t}::bigint IS NULL OR (${key}, ${alias}.id) < (timestamptz 'epoch' + ${t}::bigint * interval '1 microsecond', ${id}::uuid))`,
    order: `${key} DESC, ${alias}.id DESC`,
  };
}

export function positionParams(after: Position | null): [string | null, string | null] {
  return [after?.micros ?? null, after?.id ?? null];
}

/** meta of a page made by toPage (logs/store.ts). */
export function pageMeta(page: { last: Position | null; hasMore: boolean }) {
  return { next_cursor: page.last ? encodeCursor(page.last) : null, has_more: page.hasMore };
}
