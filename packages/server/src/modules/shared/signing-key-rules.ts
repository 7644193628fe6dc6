import { AppError } from '../../errors.js';
import { isHexId } from '../../lib/ids.js';

/** Active signing keys per endpoint, outbound and inbound alike: two let a receiver rotate without a gap. */
export const MAX_SIGNING_KEYS = 2;

/** Checked on the locked endpoint's active keys before one is added. */
export function assertRoomForKey(activeKeys: number): void {
  if (activeKeys >= MAX_SIGNING_KEYS) {
    throw new AppError(
      'MAX_SIGNING_KEYS_REACHED',
      `Endpoint already has the maximum of ${MAX_SIGNING_KEYS} signing keys`,
    );
  }
}

/** Checked on the locked endpoint's active keys before `keyId` is deleted: it must be one, and not the last. */
export function assertKeyDeletable(active: Array<{ id: string }>, keyId: string): void {
  if (!isHexId('sk', keyId) || !active.some((key) => key.id === keyId)) {
    throw new AppError('NOT_FOUND', 'Signing key not found');
  }
  if (active.length === 1) {
    throw new AppError(
      'CANNOT_DELETE_LAST_SIGNING_KEY',
      'Cannot delete the last signing key of an endpoint; create another key first',
    );
  }
}
