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

/** The filter, time range and page of a store query of inbound-logs or inbound-rejections. */
export interface InboundListQuery {
  endpointId: string | null;
  /** Bounds as RFC 3339 text: from inclusive, to exclusive. */
  from: string | null;
  to: string | null;
  after: Position | null;
  limit: number;
}

/** The parsed InboundListQueryFields. */
export function parseInboundListQuery(query: {
  inbound_endpoint_id?: string | undefined;
  start_time?: string | undefined;
  end_time?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}): InboundListQuery {
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
 * The SQL of an InboundListQuery over the rows `alias` of a table with an inbound_endpoint_id, timed by
 * `column`, newest first: `where` (the endpoint, the time range, the rows after the cursor), `order` and
 * `limit`, whose placeholders are numbered from `first` on, and the `params` they take, in that order.
 * The cursor's key is exact microseconds as text (`sortKey`), as in /v1/logs: a JavaScript Date would cut
 * it to milliseconds and make pages skip or repeat rows.
 */
export function inboundListSql(alias: string, column: string, first: number, q: InboundListQuery) {
  const [endpoint, from, to, t, id, limit] = [0, 1, 2, 3, 4, 5].map((i) => `$${first + i}`);
  const key = `${alias}.${column}`;
  return {
    sortKey: `(extract(epoch FROM ${key}) * 1000000)::bigint::text AS sort_us`,
    where: `(${endpoint}::uuid IS NULL OR ${alias}.inbound_endpoint_id = ${endpoint})
        AND (${from}::timestamptz IS NULL OR ${key} >= ${from}::timestamptz)
        AND (${to}::timestamptz IS NULL OR ${key} < ${to}::timestamptz)
        AND (${t}::bigint IS NULL OR (${key}, ${alias}.id) < (timestamptz 'epoch' + ${t}::bigint * interval '1 microsecond', ${id}::uuid))`,
    order: `${key} DESC, ${alias}.id DESC`,
    limit,
    params: [q.endpointId, q.from, q.to, q.after?.micros ?? null, q.after?.id ?? null, q.limit + 1],
  };
}

/** meta of a page made by toPage (logs/store.ts). */
export function pageMeta(page: { last: Position | null; hasMore: boolean }) {
  return { next_cursor: page.last ? encodeCursor(page.last) : null, has_more: page.hasMore };
}
