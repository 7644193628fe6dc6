// The retry decision and delays are pure functions: every branch checked without I/O.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_RETRY_POLICY,
  isRetryable,
  parseRetryAfter,
  retryDelay,
  wasNeverSent,
} from '../src/core/retry.js';

const response = (status: number, code = 'X', retryAfterMs: number | null = null) =>
  ({ kind: 'response', status, code, retryAfterMs }) as const;

describe('isRetryable', () => {
  it('retries idempotent calls on network errors, timeouts, 408, 429 and 5xx, and nothing else', () => {
    for (const status of [408, 429, 500, 502, 503, 504])
      assert.ok(isRetryable(response(status), 'idempotent'), `${status}`);
    for (const status of [400, 401, 403, 404, 409, 410, 413, 501])
      assert.ok(!isRetryable(response(status), 'idempotent'), `${status}`);
    assert.ok(isRetryable({ kind: 'network', sent: true }, 'idempotent'));
    assert.ok(isRetryable({ kind: 'timeout' }, 'idempotent'));
  });

  it('retries unrepeatable calls only when the server certainly did nothing', () => {
    assert.ok(isRetryable(response(429), 'unrepeatable'));
    assert.ok(isRetryable(response(408), 'unrepeatable'));
    assert.ok(isRetryable({ kind: 'network', sent: false }, 'unrepeatable'));
    assert.ok(!isRetryable({ kind: 'network', sent: true }, 'unrepeatable'));
    assert.ok(!isRetryable({ kind: 'timeout' }, 'unrepeatable'));
    assert.ok(!isRetryable(response(500), 'unrepeatable'));
    assert.ok(!isRetryable(response(503), 'unrepeatable'));
  });

  it('never retries answers that waiting cannot change', () => {
    assert.ok(!isRetryable(response(429, 'REPLAY_LIMIT_EXCEEDED'), 'idempotent'));
    assert.ok(!isRetryable(response(429, 'QUOTA_EXCEEDED'), 'idempotent'));
  });
});

describe('retryDelay', () => {
  it('draws full jitter below a doubling ceiling capped at maxDelayMs', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 300 };
    const outcome = { kind: 'timeout' } as const;
    assert.equal(
      retryDelay(outcome, 1, policy, () => 0.999),
      99,
    );
    assert.equal(
      retryDelay(outcome, 2, policy, () => 0.999),
      199,
    );
    assert.equal(
      retryDelay(outcome, 3, policy, () => 0.999),
      299,
    );
    assert.equal(
      retryDelay(outcome, 9, policy, () => 0.5),
      150,
    );
    assert.equal(
      retryDelay(outcome, 1, policy, () => 0),
      0,
    );
  });

  it('waits exactly Retry-After when given, and gives up when it is longer than maxRetryAfterMs', () => {
    assert.equal(
      retryDelay(response(429, 'X', 2000), 1, DEFAULT_RETRY_POLICY, () => 0),
      2000,
    );
    assert.equal(retryDelay(response(429, 'X', 120_000), 1, DEFAULT_RETRY_POLICY), null);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now), 10_000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now), 0);
    assert.equal(parseRetryAfter(null), null);
    assert.equal(parseRetryAfter('soon'), null);
  });
});

describe('wasNeverSent', () => {
  it('finds a refused connection in the cause chain fetch wraps it in', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    assert.ok(wasNeverSent(refused));
    const reset = new TypeError('fetch failed', {
      cause: Object.assign(new Error('socket'), { code: 'UND_ERR_SOCKET' }),
    });
    assert.ok(!wasNeverSent(reset));
  });
});
