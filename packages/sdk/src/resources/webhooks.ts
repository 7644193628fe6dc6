import type { RequestOptions } from '../core/transport.js';
import type { SendParams, SendResult } from '../types.js';
import { Resource } from './resource.js';

/** A fresh idempotency key, so a retried send can never deliver twice. */
export function newIdempotencyKey(): string {
  return `sdk_${globalThis.crypto.randomUUID()}`;
}

export class Webhooks extends Resource {
  /**
   * Queues a webhook on the send host. Without an `idempotency_key` one is generated, so the retries
   * this client makes after a lost answer return the original message instead of creating a second.
   */
  send(params: SendParams, options?: RequestOptions): Promise<SendResult> {
    const body = { ...params, idempotency_key: params.idempotency_key ?? newIdempotencyKey() };
    return this.data(
      { method: 'POST', path: '/v1/webhooks/send', host: 'send', body, retry: 'idempotent' },
      options,
    );
  }
}
