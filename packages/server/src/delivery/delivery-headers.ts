import type { ClaimedMessage, EndpointTarget } from './queue-store.js';
import { signatureHeader } from './signing.js';

/**
 * Headers of the original request that describe that hop, not the message: a forwarded inbound
 * message keeps the provider's other headers. (Outbound send-time headers can never contain these.)
 */
export const NOT_FORWARDED: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
  'proxy-connection',
  'expect',
]);

/**
 * The request headers of one attempt: content type and user agent, then the endpoint's custom headers,
 * then the send-time headers (which win, compared case-insensitively), then the X-Webhook-* headers,
 * which nothing may override.
 */
export function buildHeaders(
  message: Pick<ClaimedMessage, 'id' | 'content_type' | 'headers'>,
  target: Pick<EndpointTarget, 'headers' | 'hmac_enabled'>,
  secrets: string[],
  timestampSeconds: number,
  body: Uint8Array,
  userAgent: string,
): Record<string, string> {
  const merged = new Map<string, [string, string]>();
  const put = (name: string, value: string) => merged.set(name.toLowerCase(), [name, value]);
  put('Content-Type', message.content_type);
  put('User-Agent', userAgent);
  // Filtered too: an endpoint saved before these names were refused may still hold one (`Expect`).
  for (const [name, value] of Object.entries(target.headers)) {
    if (!NOT_FORWARDED.has(name.toLowerCase())) put(name, value);
  }
  for (const [name, value] of Object.entries(message.headers)) {
    if (!NOT_FORWARDED.has(name.toLowerCase())) put(name, value);
  }
  put('X-Webhook-Id', message.id);
  put('X-Webhook-Timestamp', String(timestampSeconds));
  if (target.hmac_enabled && secrets.length > 0) {
    put('X-Webhook-Signature', signatureHeader(secrets, timestampSeconds, body));
  }
  return Object.fromEntries(merged.values());
}
