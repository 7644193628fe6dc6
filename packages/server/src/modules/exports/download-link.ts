import { createHmac } from 'node:crypto';
import { safeEqual } from '../../lib/crypto.js';

/**
 * Signed download links: HMAC-SHA256 over "<export id>.<expiry in Unix seconds>" under a key derived from
 * the master key, so any process sharing the master key can check a link another one issued.
 */
export class DownloadLinks {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    this.key = createHmac('sha256', masterKey).update('hookbridge/export-download/v1').digest();
  }

  sign(id: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${id}.${expires}`).digest('hex');
  }

  path(id: string, expires: number): string {
    return `/v1/exports/${id}/file?expires=${expires}&signature=${this.sign(id, expires)}`;
  }

  verify(id: string, expires: number, signature: string, now = Date.now()): boolean {
    return safeEqual(signature, this.sign(id, expires)) && expires * 1000 > now;
  }
}
