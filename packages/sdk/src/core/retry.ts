/**
 * When to try a request again. Pure functions of the outcome, so they are unit-tested without I/O.
 *
 * - `idempotent`: repeating the request cannot do harm (reads, deletes, updates, and sends, which carry an
 *   idempotency key). Retried on network errors, timeouts, 408, 429 and 5xx.
 * - `unrepeatable`: repeating it after an ambiguous failure could act twice (replay counts toward a cap;
 *   creates make a second object). Retried only when the server certainly did nothing: 408, 429, or a
 *   connection that was never made.
 */
export type RetryMode = 'idempotent' | 'unrepeatable';

export type Outcome =
  | { kind: 'response'; status: number; code: string; retryAfterMs: number | null }
  /** `sent` is false when the connection was refused or the host did not resolve. */
  | { kind: 'network'; sent: boolean }
  | { kind: 'timeout' };

export interface RetryPolicy {
  maxRetries: number;
  /** First backoff ceiling, doubled per attempt (full jitter picks uniformly below it). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is thrown instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 2,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryAfterMs: 60_000,
};

/** Codes that arrive with a retryable status but will answer the same way however long one waits. */
const PERMANENT_CODES = new Set(['REPLAY_LIMIT_EXCEEDED', 'QUOTA_EXCEEDED', 'NOT_SUPPORTED']);

export function isRetryable(outcome: Outcome, mode: RetryMode): boolean {
  if (outcome.kind === 'timeout') return mode === 'idempotent';
  if (outcome.kind === 'network') return mode === 'idempotent' || !outcome.sent;
  const { status, code } = outcome;
  if (PERMANENT_CODES.has(code)) return false;
  if (status === 408 || status === 429) return true;
  return mode === 'idempotent' && status >= 500 && status !== 501;
}

/**
 * Milliseconds to wait before retry number `retry` (1-based), or null to give up. Honours Retry-After as
 * the wait when given; otherwise exponential backoff with full jitter.
 */
export function retryDelay(
  outcome: Outcome,
  retry: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | null {
  if (outcome.kind === 'response' && outcome.retryAfterMs !== null) {
    return outcome.retryAfterMs > policy.maxRetryAfterMs ? null : outcome.retryAfterMs;
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/** Retry-After as delta-seconds or an HTTP date, in milliseconds; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Network error codes that mean no byte of the request reached a server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function wasNeverSent(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_SENT_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
