import { AppError } from '../../errors.js';
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
