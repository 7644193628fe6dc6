// @hookbridge/sdk/testing: build deliveries exactly as the HookBridge server signs them, for tests of
// receiving code. Node only (node:crypto).
import { createHmac, randomUUID } from 'node:crypto';

export interface SignOptions {
  /** Unix seconds (default now). */
  timestamp?: number;
  /** X-Webhook-Id (default a random UUID). */
  id?: string;
  /** Extra headers of the delivery. */
  headers?: Record<string, string>;
}

export interface SignedDelivery {
  /** The exact bytes to POST, as text. */
  body: string;
  headers: Record<string, string>;
}

/** The `sha256=<hex>` entry one secret gives for a timestamp and raw body. */
export function signature(secret: string, timestamp: number, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/**
 * The body and headers a real delivery would carry. `payload` is sent as given when a string, else as its
 * JSON; several secrets give several signatures, as during a key rotation.
 */
export function sign(payload: unknown, secret: string | string[], options: SignOptions = {}): SignedDelivery {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const secrets = Array.isArray(secret) ? secret : [secret];
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-webhook-id': options.id ?? randomUUID(),
      'x-webhook-timestamp': String(timestamp),
      'x-webhook-signature': secrets.map((s) => signature(s, timestamp, body)).join(','),
      ...options.headers,
    },
  };
}
