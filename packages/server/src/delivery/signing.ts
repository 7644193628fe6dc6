import { createHmac } from 'node:crypto';

/**
 * Outbound webhook signatures (spec §4): lowercase hex HMAC-SHA256 over `"{timestamp}.{raw body}"`, keyed by
 * the full `whsec_…` secret string as UTF-8 bytes (no base64 decoding), exactly as the docs' samples do.
 */
export function signPayload(secret: string, timestampSeconds: number, body: Uint8Array | string): string {
  if (!Number.isSafeInteger(timestampSeconds)) {
    throw new TypeError(`timestampSeconds must be an integer number of seconds, got ${timestampSeconds}`);
  }
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest('hex');
}

/** `X-Webhook-Signature` value: one `sha256=<hex>` per active secret, joined by `,` with no space. */
export function signatureHeader(
  secrets: string[],
  timestampSeconds: number,
  body: Uint8Array | string,
): string {
  if (secrets.length === 0) throw new Error('at least one signing secret is required');
  let header = '';
  for (let i = 0; i < secrets.length; i++) {
    if (i > 0) header += ',';
    header += `sha256=${signPayload(secrets[i]!, timestampSeconds, body)}`;
  }
  return header;
}
