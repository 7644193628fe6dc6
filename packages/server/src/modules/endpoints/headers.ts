import { AppError } from '../../errors.js';

export const MAX_CUSTOM_HEADERS = 50;
export const MAX_CUSTOM_HEADER_BYTES = 8 * 1024;

/**
 * Headers a custom header may not set, compared lowercase, with the reason given to the client:
 * hop-by-hop and transport headers describe one connection and are the HTTP client's to set (`Expect`
 * made every delivery fail), the rest are the platform's own or would mislead the receiver.
 */
const FORBIDDEN: ReadonlyMap<string, string> = new Map([
  ...[
    'host',
    'content-length',
    'transfer-encoding',
    'connection',
    'keep-alive',
    'te',
    'trailer',
    'upgrade',
    'expect',
    'proxy-connection',
    'http2-settings',
  ].map((name) => [name, 'is a hop-by-hop or transport header the HTTP client sets itself'] as const),
  ...['authorization', 'proxy-authenticate', 'proxy-authorization', 'content-type'].map(
    (name) => [name, 'is set by HookBridge and cannot be overridden'] as const,
  ),
  // A response header: meaningless on a request, and a sign of a misconfigured copy of one.
  ['set-cookie', 'is a response header and cannot be sent on a request'],
  // Receivers behind a proxy may trust these for the client address; a sender must not forge it.
  ...['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded', 'x-real-ip'].map(
    (name) => [name, 'names the client address, which only proxies may set'] as const,
  ),
]);

export const FORBIDDEN_HEADER_NAMES: ReadonlySet<string> = new Set(FORBIDDEN.keys());
const FORBIDDEN_PREFIX = 'x-webhook-';

// RFC 9110 token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// What undici accepts in a field value: tab, visible ASCII, and Latin-1 bytes. Anything else would only
// fail later, at delivery time.
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
const LINE_BREAK_OR_NUL = /[\r\n\0]/;

function invalid(message: string): never {
  throw new AppError('INVALID_HEADERS', message);
}

/**
 * Checks custom headers (an endpoint's, or send-time ones) and throws 400 INVALID_HEADERS naming the first
 * problem. Accepts anything so it can judge untyped input; on return `headers` is a string→string object.
 */
export function validateCustomHeaders(headers: unknown): asserts headers is Record<string, string> {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    invalid('headers must be a JSON object of header names to string values');
  }
  const entries = Object.entries(headers);
  if (entries.length > MAX_CUSTOM_HEADERS) {
    invalid(`at most ${MAX_CUSTOM_HEADERS} custom headers are allowed (got ${entries.length})`);
  }
  const seen = new Set<string>();
  let bytes = 0;
  for (const [name, value] of entries) {
    if (!TOKEN.test(name)) invalid(`header name '${printable(name)}' is not a valid HTTP header name`);
    const lower = name.toLowerCase();
    const reason = FORBIDDEN.get(lower);
    if (reason) invalid(`header '${name}' ${reason}`);
    if (lower.startsWith(FORBIDDEN_PREFIX)) invalid(`header '${name}' is forbidden and cannot be overridden`);
    if (seen.has(lower)) invalid(`header '${name}' is given more than once (names are case-insensitive)`);
    seen.add(lower);
    if (typeof value !== 'string') invalid(`header '${name}' must have a string value`);
    if (LINE_BREAK_OR_NUL.test(value)) invalid(`header '${name}' value must not contain CR, LF or NUL`);
    if (INVALID_VALUE_CHAR.test(value)) {
      invalid(`header '${name}' value contains characters that are not allowed in an HTTP header`);
    }
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  }
  if (bytes > MAX_CUSTOM_HEADER_BYTES) {
    invalid(`custom headers total ${bytes} bytes; the maximum is ${MAX_CUSTOM_HEADER_BYTES} (8 KB)`);
  }
}

/** An invalid name is echoed in the message; keep control characters out of it. */
function printable(name: string): string {
  const cleaned = name.replace(/[^\x20-\x7e]/g, '?');
  return cleaned.length > 64 ? `${cleaned.slice(0, 64)}…` : cleaned;
}
