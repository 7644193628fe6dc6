import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INBOUND, OUTBOUND } from '../../src/queues/queue-source.js';
import { type ReplayOutcome, replayRefusal } from '../../src/queues/replay.js';

/** A final message the replay found replayable; each case changes what it needs. */
function found(overrides: Partial<ReplayOutcome> = {}): ReplayOutcome {
  return {
    id: '0190a3c5-0000-7000-8000-000000000001',
    endpoint_id: 'ep_0123456789abcdef0123456789abcdef',
    status: 'failed_permanent',
    replayable: true,
    due_for_worker: true,
    replay_count: 0,
    has_payload: true,
    expired: false,
    endpoint_deleted: false,
    replayed: false,
    ...overrides,
  };
}

function refusal(...args: Parameters<typeof replayRefusal>) {
  const error = replayRefusal(...args);
  return { code: error.code, status: error.status, message: error.message };
}

describe('replayRefusal', () => {
  it('answers MESSAGE_NOT_FOUND when the replay found no message', () => {
    for (const queue of [OUTBOUND, INBOUND]) {
      assert.equal(refusal(queue, undefined, 'replay').code, 'MESSAGE_NOT_FOUND');
    }
  });

  it('refuses a DLQ replay of a message that is not failed_permanent', () => {
    assert.deepEqual(refusal(OUTBOUND, found({ status: 'succeeded', replayable: false }), 'dlq'), {
      code: 'INVALID_REQUEST',
      status: 400,
      message: 'message is not in DLQ (must have failed_permanent status)',
    });
  });

  it('words a message still on its way for each queue', () => {
    const cases: Array<[typeof OUTBOUND, string, string, string]> = [
      [
        OUTBOUND,
        'queued',
        'DELIVERY_IN_PROGRESS',
        'Message is queued for delivery; it cannot be replayed yet',
      ],
      [
        OUTBOUND,
        'delivering',
        'DELIVERY_IN_PROGRESS',
        'Message is being delivered; it cannot be replayed now',
      ],
      [
        OUTBOUND,
        'pending_retry',
        'RETRY_IN_PROGRESS',
        'Message has a retry scheduled; use retry-now to deliver it at once, or cancel it first',
      ],
      [
        INBOUND,
        'queued',
        'DELIVERY_IN_PROGRESS',
        'Inbound message is waiting for delivery; it cannot be replayed now',
      ],
      [
        INBOUND,
        'delivering',
        'DELIVERY_IN_PROGRESS',
        'Inbound message is being delivered; it cannot be replayed now',
      ],
      [
        INBOUND,
        'pending_retry',
        'RETRY_IN_PROGRESS',
        'Inbound message has a retry scheduled; it cannot be replayed now',
      ],
    ];
    for (const [queue, status, code, message] of cases) {
      assert.deepEqual(refusal(queue, found({ status, replayable: false }), 'replay'), {
        code,
        status: 409,
        message,
      });
    }
  });

  it('limits an operator replay to 10 per message, and a DLQ replay not at all', () => {
    const tenth = found({ replay_count: 10, has_payload: false });
    for (const queue of [OUTBOUND, INBOUND]) {
      assert.deepEqual(refusal(queue, tenth, 'replay'), {
        code: 'REPLAY_LIMIT_EXCEEDED',
        status: 429,
        message: 'Maximum of 10 replays per message reached',
      });
    }
    assert.equal(refusal(OUTBOUND, tenth, 'dlq').code, 'PAYLOAD_UNAVAILABLE');
  });

  it("names the queue's endpoint when it was deleted", () => {
    const deleted = found({ endpoint_deleted: true });
    assert.deepEqual(refusal(OUTBOUND, deleted, 'replay'), {
      code: 'ENDPOINT_NOT_FOUND',
      status: 404,
      message: "The message's endpoint was deleted; it cannot be replayed",
    });
    assert.equal(
      refusal(INBOUND, deleted, 'replay').message,
      "The message's inbound endpoint was deleted; it cannot be replayed",
    );
  });

  it('tells a removed payload from an expired retention', () => {
    for (const queue of [OUTBOUND, INBOUND]) {
      assert.deepEqual(refusal(queue, found({ has_payload: false }), 'replay'), {
        code: 'PAYLOAD_UNAVAILABLE',
        status: 410,
        message: "The message's payload was removed by payload retention",
      });
      assert.equal(refusal(queue, found({ expired: true }), 'replay').code, 'RETENTION_EXPIRED');
    }
  });

  it('never passes off a refused replay as a success', () => {
    assert.equal(refusal(OUTBOUND, found(), 'replay').code, 'INTERNAL_ERROR');
  });
});
