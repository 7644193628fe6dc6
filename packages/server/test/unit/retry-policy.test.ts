import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_RETRY_POLICY,
  decideNextStep,
  parseRetryAfter,
  type ResponseOrError,
  type RetryPolicy,
  type RetryState,
} from '../../src/delivery/retry-policy.js';

const NOW = Date.UTC(2025, 11, 6, 12, 0, 0);
const noJitter = { now: NOW, random: () => 0 };
const policy: RetryPolicy = DEFAULT_RETRY_POLICY;

function decide(outcome: ResponseOrError, state: Partial<RetryState> = {}, context = noJitter) {
  return decideNextStep(outcome, { slowAttempts: 1, fastRetries: 0, ...state }, policy, context);
}

const response = (status: number, retryAfter?: string | null): ResponseOrError => ({
  kind: 'response',
  status,
  retryAfter,
});

function slowRetry(seconds: number) {
  return { kind: 'retry', delayMs: seconds * 1000, retryType: 'slow', countsAgainstLimit: true };
}

function fastRetry(seconds: number) {
  return { kind: 'retry', delayMs: seconds * 1000, retryType: 'fast', countsAgainstLimit: false };
}

describe('decideNextStep', () => {
  describe('success', () => {
    for (const status of [200, 201, 202, 204, 250, 299]) {
      it(`${status} succeeds`, () => assert.deepEqual(decide(response(status)), { kind: 'succeeded' }));
    }

    it('succeeds even when every retry was spent', () => {
      assert.deepEqual(decide(response(200), { slowAttempts: 8, fastRetries: 5 }), { kind: 'succeeded' });
    });
  });

  describe('permanent client errors', () => {
    for (const status of [400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 451, 499]) {
      it(`${status} fails permanently on the first attempt`, () => {
        const decision = decide(response(status));
        assert.equal(decision.kind, 'failed_permanent');
        assert.match((decision as { reason: string }).reason, new RegExp(`HTTP ${status}`));
      });
    }

    it('ignores Retry-After on a permanent failure', () => {
      assert.equal(decide(response(404, '10')).kind, 'failed_permanent');
    });
  });

  describe('slow tier', () => {
    for (const status of [408, 500, 502, 503, 504, 599, 300, 301, 302, 303, 307, 308]) {
      it(`${status} retries after the first slow delay`, () => {
        assert.deepEqual(decide(response(status)), slowRetry(1800));
      });
    }

    for (const error of ['timeout', 'connection', 'dns', 'tls', 'other'] as const) {
      it(`a ${error} error retries in the slow tier`, () => {
        assert.deepEqual(decide({ kind: 'error', error }), slowRetry(1800));
      });
    }

    it('treats statuses outside the defined classes as retryable', () => {
      assert.deepEqual(decide(response(600)), slowRetry(1800));
      assert.deepEqual(decide(response(199)), slowRetry(1800));
    });

    it('walks the schedule: after the n-th counted attempt waits slowScheduleSeconds[n-1]', () => {
      const expected = [1800, 7200, 21600, 43200, 86400, 172800, 259200];
      for (let n = 1; n <= 7; n++) {
        assert.deepEqual(
          decide(response(500), { slowAttempts: n }),
          slowRetry(expected[n - 1]!),
          `attempt ${n}`,
        );
      }
    });

    it('fails permanently after the 8th attempt', () => {
      const decision = decide(response(500), { slowAttempts: 8 });
      assert.equal(decision.kind, 'failed_permanent');
      assert.match((decision as { reason: string }).reason, /retries exhausted after 8 attempts.*HTTP 500/);
      assert.equal(decide({ kind: 'error', error: 'timeout' }, { slowAttempts: 8 }).kind, 'failed_permanent');
      assert.equal(decide(response(503), { slowAttempts: 9 }).kind, 'failed_permanent');
    });

    it('treats a zero attempt count as the first attempt', () => {
      assert.deepEqual(decide(response(500), { slowAttempts: 0 }), slowRetry(1800));
    });

    it('follows a custom schedule: total attempts = length + 1', () => {
      const custom = { ...policy, slowScheduleSeconds: [5, 10] };
      const at = (slowAttempts: number) =>
        decideNextStep(response(500), { slowAttempts, fastRetries: 0 }, custom, noJitter);
      assert.deepEqual(at(1), slowRetry(5));
      assert.deepEqual(at(2), slowRetry(10));
      assert.equal(at(3).kind, 'failed_permanent');
    });

    it('does not use the fast-tier counter', () => {
      assert.deepEqual(decide(response(503), { slowAttempts: 2, fastRetries: 5 }), slowRetry(7200));
    });
  });

  describe('blocked destination', () => {
    it('fails permanently without spending retries', () => {
      const decision = decide({ kind: 'error', error: 'blocked' });
      assert.equal(decision.kind, 'failed_permanent');
      assert.match((decision as { reason: string }).reason, /not allowed/);
    });
  });

  describe('429 fast tier', () => {
    it('walks the fast schedule without counting against the limit', () => {
      const expected = [30, 60, 120, 240, 300];
      for (let fastRetries = 0; fastRetries < 5; fastRetries++) {
        assert.deepEqual(decide(response(429), { fastRetries }), fastRetry(expected[fastRetries]!));
      }
    });

    it('stays in the fast tier even when the slow limit is reached', () => {
      assert.deepEqual(decide(response(429), { slowAttempts: 8, fastRetries: 4 }), fastRetry(300));
    });

    it('once exhausted, a 429 is a counted slow-tier failure', () => {
      assert.deepEqual(decide(response(429), { slowAttempts: 1, fastRetries: 5 }), slowRetry(1800));
      assert.deepEqual(decide(response(429), { slowAttempts: 3, fastRetries: 5 }), slowRetry(21600));
      const last = decide(response(429), { slowAttempts: 8, fastRetries: 5 });
      assert.equal(last.kind, 'failed_permanent');
      assert.match((last as { reason: string }).reason, /retries exhausted.*HTTP 429/);
    });

    it('with an empty fast schedule goes straight to the slow tier', () => {
      const custom = { ...policy, fastScheduleSeconds: [] };
      assert.deepEqual(
        decideNextStep(response(429), { slowAttempts: 1, fastRetries: 0 }, custom, noJitter),
        slowRetry(1800),
      );
    });
  });

  describe('Retry-After', () => {
    it('is a minimum in the fast tier', () => {
      assert.deepEqual(decide(response(429, '90')), fastRetry(90));
      assert.deepEqual(decide(response(429, '5')), fastRetry(30));
      assert.deepEqual(decide(response(429, '0')), fastRetry(30));
    });

    it('is capped at fastRetryAfterCapSeconds in the fast tier', () => {
      assert.deepEqual(decide(response(429, '3599')), fastRetry(3599));
      assert.deepEqual(decide(response(429, '3600')), fastRetry(3600));
      assert.deepEqual(decide(response(429, '86400')), fastRetry(3600));
      assert.deepEqual(decide(response(429, '99999999999999999999999')), fastRetry(3600));
    });

    it('never shortens the slot below the schedule even if the cap is lower', () => {
      const custom = { ...policy, fastScheduleSeconds: [120], fastRetryAfterCapSeconds: 60 };
      assert.deepEqual(
        decideNextStep(response(429, '600'), { slowAttempts: 1, fastRetries: 0 }, custom, noJitter),
        fastRetry(120),
      );
    });

    it('is clamped to [slot, 2×slot] in the slow tier', () => {
      assert.deepEqual(decide(response(503, '60')), slowRetry(1800));
      assert.deepEqual(decide(response(503, '2700')), slowRetry(2700));
      assert.deepEqual(decide(response(503, '3600')), slowRetry(3600));
      assert.deepEqual(decide(response(503, '100000')), slowRetry(3600));
      assert.deepEqual(decide(response(503, '100000'), { slowAttempts: 2 }), slowRetry(14400));
    });

    it('applies to a 429 that fell through to the slow tier', () => {
      assert.deepEqual(decide(response(429, '2000'), { fastRetries: 5 }), slowRetry(2000));
    });

    it('accepts an HTTP-date relative to now', () => {
      const inTwoMinutes = new Date(NOW + 120_000).toUTCString();
      assert.deepEqual(decide(response(429, inTwoMinutes)), fastRetry(120));
      const inFiftyMinutes = new Date(NOW + 3000_000).toUTCString();
      assert.deepEqual(decide(response(503, inFiftyMinutes)), slowRetry(3000));
    });

    it('treats a date in the past as no extra wait', () => {
      assert.deepEqual(decide(response(429, new Date(NOW - 60_000).toUTCString())), fastRetry(30));
    });

    for (const invalid of [
      'soon',
      '-5',
      '1.5',
      '12abc',
      '',
      '  ',
      '+30',
      'Blursday, 99 Nov 2025 xx:yy GMT',
    ]) {
      it(`ignores an invalid value ${JSON.stringify(invalid)}`, () => {
        assert.deepEqual(decide(response(429, invalid)), fastRetry(30));
        assert.deepEqual(decide(response(503, invalid)), slowRetry(1800));
      });
    }

    it('ignores null and missing values', () => {
      assert.deepEqual(decide(response(429, null)), fastRetry(30));
      assert.deepEqual(decide(response(429)), fastRetry(30));
    });
  });

  describe('jitter', () => {
    it('adds between 0 and jitterRatio × delay, never subtracts', () => {
      const low = decide(response(500), {}, { now: NOW, random: () => 0 });
      const mid = decide(response(500), {}, { now: NOW, random: () => 0.5 });
      const high = decide(response(500), {}, { now: NOW, random: () => 0.999999 });
      assert.equal((low as { delayMs: number }).delayMs, 1_800_000);
      assert.equal((mid as { delayMs: number }).delayMs, 1_890_000);
      const highMs = (high as { delayMs: number }).delayMs;
      assert.ok(highMs < 1_980_000 && highMs >= 1_979_990, String(highMs));
    });

    it('stays within bounds for many random draws, on top of Retry-After', () => {
      for (let i = 0; i < 1000; i++) {
        const decision = decide(response(429, '100'), {}, { now: NOW, random: Math.random });
        assert.equal(decision.kind, 'retry');
        const { delayMs } = decision as { delayMs: number };
        assert.ok(delayMs >= 100_000 && delayMs <= 110_000, String(delayMs));
        assert.ok(Number.isInteger(delayMs));
      }
    });

    it('is off with jitterRatio 0', () => {
      const custom = { ...policy, jitterRatio: 0 };
      const decision = decideNextStep(response(500), { slowAttempts: 1, fastRetries: 0 }, custom, {
        now: NOW,
        random: () => 0.9,
      });
      assert.deepEqual(decision, slowRetry(1800));
    });
  });
});

describe('parseRetryAfter', () => {
  it('parses delta-seconds', () => {
    assert.equal(parseRetryAfter('0', NOW), 0);
    assert.equal(parseRetryAfter('120', NOW), 120);
    assert.equal(parseRetryAfter(' 7 ', NOW), 7);
  });

  it('parses the three HTTP-date forms', () => {
    assert.equal(parseRetryAfter('Sat, 06 Dec 2025 12:01:00 GMT', NOW), 60);
    assert.equal(parseRetryAfter('Saturday, 06-Dec-25 12:02:00 GMT', NOW), 120);
    assert.equal(parseRetryAfter('Sat Dec  6 12:00:30 2025', NOW), 30);
  });

  it('rounds a partial second up so the wait stays a minimum', () => {
    assert.equal(parseRetryAfter('Sat, 06 Dec 2025 12:00:10 GMT', NOW + 500), 10);
  });

  it('returns 0 for a date in the past', () => {
    assert.equal(parseRetryAfter('Sat, 06 Dec 2025 11:00:00 GMT', NOW), 0);
  });

  it('returns null for anything else', () => {
    for (const value of [null, undefined, '', 'abc', '-1', '1e3', '0x10', '3.5', 'Mon, garbage']) {
      assert.equal(parseRetryAfter(value, NOW), null, String(value));
    }
  });
});
