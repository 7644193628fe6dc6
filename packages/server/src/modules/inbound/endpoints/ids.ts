import { AppError } from '../../../errors.js';
import { isUuid } from '../../../lib/ids.js';

export function inboundNotFound(): AppError {
  return new AppError('ENDPOINT_NOT_FOUND', 'Inbound endpoint not found');
}

/** A path id that is not a UUID names no endpoint: answered exactly like an unknown one. */
export function parseInboundId(id: string): string {
  if (!isUuid(id)) throw inboundNotFound();
  return id.toLowerCase();
}
