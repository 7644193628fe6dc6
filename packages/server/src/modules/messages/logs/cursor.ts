import { AppError } from '../../../errors.js';
import { isUuid } from '../../../lib/ids.js';

/**
 * A keyset position: the sort timestamp in whole microseconds since the epoch (exact, unlike a JS Date)
 * and the message id that breaks ties. Opaque to clients: base64url of a small JSON object.
 */
export interface Position {
  micros: string;
  id: string;
}

export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify({ t: position.micros, id: position.id }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Position {
  let parsed: unknown = null;
  if (/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) {
    try {
      parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {}
  }
  const { t, id } = (parsed ?? {}) as { t?: unknown; id?: unknown };
  if (typeof t !== 'string' || !/^-?\d{1,18}$/.test(t) || typeof id !== 'string' || !isUuid(id)) {
    throw new AppError('INVALID_REQUEST', 'cursor is not valid');
  }
  return { micros: t, id: id.toLowerCase() };
}
