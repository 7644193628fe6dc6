import { AppError } from '../../http/errors.js';
import { isUuid } from '../../lib/ids.js';

export function inboundNotFound(): AppError {
  return new AppError('ENDPOINT_NOT_FOUND', 'Inbound endpoint not found');
}

/** A path id that is not a UUID names no endpoint: answered exactly like an unknown one. */
export function parseInboundId(id: string): string {
  if (!isUuid(id)) throw inboundNotFound();
  return id.toLowerCase();
}

/** Opaque list cursor: base64url of the last id on the page. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const id = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!isUuid(id)) throw new AppError('INVALID_REQUEST', 'cursor is not valid');
  return id;
}
