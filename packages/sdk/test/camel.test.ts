import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { camelize, snakeize } from '../src/core/camel.js';

describe('camelize', () => {
  it('renames keys at every depth but leaves user maps (headers, payloads) as they are', () => {
    const out = camelize({
      message_id: 'm',
      avg_latency_ms: 3,
      payload_sha256: 'x',
      buckets: [{ avg_latency_ms: 1 }],
      headers: { x_custom_header: 'a' },
      response_headers: { set_cookie: 'b' },
      limits: { messages_per_month: null },
    });
    assert.deepEqual(out, {
      messageId: 'm',
      avgLatencyMs: 3,
      payloadSha256: 'x',
      buckets: [{ avgLatencyMs: 1 }],
      headers: { x_custom_header: 'a' },
      responseHeaders: { set_cookie: 'b' },
      limits: { messagesPerMonth: null },
    });
  });
});

describe('snakeize', () => {
  it('renames one level, drops undefined, writes dates as RFC 3339, and keeps snake_case input', () => {
    const start = new Date('2026-01-01T00:00:00Z');
    assert.deepEqual(
      snakeize({
        endpointId: 'ep',
        startTime: start,
        idempotency_key: 'k',
        limit: undefined,
        headers: { 'X-A': '1' },
      }),
      {
        endpoint_id: 'ep',
        start_time: '2026-01-01T00:00:00.000Z',
        idempotency_key: 'k',
        headers: { 'X-A': '1' },
      },
    );
  });
});
