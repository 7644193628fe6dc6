import { AppError } from '../../errors.js';

/** A list page in id order (ids sort by creation time), fetched with one row more than `limit`. */
export interface IdPage<T> {
  rows: T[];
  nextCursor: string | null;
}

/** Opaque list cursor: base64url of the last id on the page. */
function encodeIdCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

/** The id a cursor holds; 400 INVALID_REQUEST unless it is an id of this list's kind. */
export function decodeIdCursor(cursor: string, isId: (id: string) => boolean): string {
  const id = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!isId(id)) throw new AppError('INVALID_REQUEST', 'cursor is not valid');
  return id;
}

/** The page out of `limit` + 1 rows: the extra row only tells that there is a next page. */
export function idPage<T extends { id: string }>(rows: T[], limit: number): IdPage<T> {
  const hasMore = rows.length > limit;
  const shown = hasMore ? rows.slice(0, limit) : rows;
  return { rows: shown, nextCursor: hasMore ? encodeIdCursor(shown.at(-1)!.id) : null };
}
