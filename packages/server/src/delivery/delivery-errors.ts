import { ADDRESS_BLOCKED } from './address-guard.js';
import type { DeliveryErrorKind } from './retry-policy.js';

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA', 'ENODATA']);
const CONNECTION_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  ECONNABORTED: 'connection aborted',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host down',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed by the receiver',
  UND_ERR_CLOSED: 'connection closed',
};
const TLS_CODE = /^(?:ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|EPROTO$)/;

/** A network error of a delivery as the retry policy's kind and a one-line message for the attempt log. */
export function classifyDeliveryError(
  error: Error,
  hostname: string,
  timeoutMs: number,
): { kind: DeliveryErrorKind; message: string } {
  const cause = firstCause(error);
  const code = (error as NodeJS.ErrnoException).code ?? (cause as NodeJS.ErrnoException).code ?? '';
  if (code === ADDRESS_BLOCKED) return { kind: 'blocked', message: error.message };
  if (TIMEOUT_CODES.has(code)) {
    const what =
      code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT' ? 'connecting' : 'waiting for the response';
    return { kind: 'timeout', message: `timed out ${what} (${code}, limit ${timeoutMs} ms)` };
  }
  if (DNS_CODES.has(code)) return { kind: 'dns', message: `DNS lookup failed for ${hostname} (${code})` };
  if (TLS_CODE.test(code)) {
    // OpenSSL errors carry a one-line `reason`; their message is a multi-line dump with source paths.
    const reason = (cause as { reason?: unknown }).reason;
    return {
      kind: 'tls',
      message: `TLS handshake failed: ${typeof reason === 'string' ? reason : cause.message} (${code})`,
    };
  }
  const text = CONNECTION_TEXT[code];
  if (text !== undefined) {
    const target = targetOf(cause);
    return { kind: 'connection', message: `${text} (${code})${target === null ? '' : ` to ${target}`}` };
  }
  return { kind: 'other', message: code === '' ? cause.message : `${cause.message} (${code})` };
}

/** The address a failed connect was made to, when the error names it. */
export function addressOf(error: Error): string | null {
  const address = (firstCause(error) as { address?: unknown }).address;
  return typeof address === 'string' ? address : null;
}

/** Happy-eyeballs connects report every address that failed; the first says enough. */
function firstCause(error: Error): Error {
  return error instanceof AggregateError && error.errors[0] instanceof Error ? error.errors[0] : error;
}

function targetOf(error: Error): string | null {
  const { address, port } = error as { address?: unknown; port?: unknown };
  if (typeof address !== 'string') return null;
  const host = address.includes(':') ? `[${address}]` : address;
  return typeof port === 'number' ? `${host}:${port}` : host;
}
