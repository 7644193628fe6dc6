import { createHmac, timingSafeEqual } from 'node:crypto';

const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;
const BASE64_DIGEST = /^[A-Za-z0-9+/_-]{43}=?$/;

/**
 * The generic provider signature check: HMAC-SHA256 keyed by the secret (UTF-8), over the raw body, or
 * over `"{timestamp}.{body}"` when the endpoint names a timestamp header. The header may hold several
 * comma-separated candidates, each hex or base64 (standard or URL-safe), with or without a `sha256=`
 * prefix; any one matching is enough. Each candidate is decoded to bytes and compared in constant time.
 */
export function checkHmac(
  secret: string,
  headerValue: string | undefined,
  body: Uint8Array,
  timestamp: string | null,
): { ok: true } | { ok: false; detail: string } {
  if (headerValue === undefined || headerValue.trim() === '') {
    return { ok: false, detail: 'signature header missing' };
  }
  const hmac = createHmac('sha256', Buffer.from(secret, 'utf8'));
  if (timestamp !== null) hmac.update(`${timestamp}.`);
  const expected = hmac.update(body).digest();
  let matched = false;
  for (const candidate of headerValue.split(',')) {
    const given = decodeDigest(candidate.trim().replace(/^sha256=/i, ''));
    if (given && given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched ? { ok: true } : { ok: false, detail: 'signature does not match' };
}

function decodeDigest(text: string): Buffer | null {
  if (HEX_DIGEST.test(text)) return Buffer.from(text, 'hex');
  if (BASE64_DIGEST.test(text)) return Buffer.from(text.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
  return null;
}
