import { AppError } from '../../http/errors.js';
import { isHexId } from '../../lib/ids.js';

/**
 * An endpoint id from a path or a request body. Anything without the `ep_` prefix is a malformed request
 * (400 INVALID_REQUEST); a prefixed id that is not `ep_` + 32 hex can name no endpoint, so the caller
 * answers 404 ENDPOINT_NOT_FOUND for it exactly as for an unknown one. Returns null in that case.
 */
export function parseEndpointId(id: string, field = 'endpoint_id'): string | null {
  if (!id.startsWith('ep_')) {
    throw new AppError(
      'INVALID_REQUEST',
      `${field} must be in format ep_xxx (ep_ followed by 32 hex digits)`,
    );
  }
  return isHexId('ep', id) ? id : null;
}

export function endpointNotFound(): AppError {
  return new AppError('ENDPOINT_NOT_FOUND', 'Endpoint not found');
}

/** Opaque list cursor: base64url of the last id on the page (ids sort by creation time). */
export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const id = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!isHexId('ep', id)) throw new AppError('INVALID_REQUEST', 'cursor is not valid');
  return id;
}
