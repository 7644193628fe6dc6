/**
 * What happens after a delivery attempt: succeeded, retry after a delay, or failed_permanent (the DLQ).
 * A pure function of the outcome, the message's counters and the policy (spec §3); clock and randomness
 * are injected so every decision is reproducible in tests.
 */
import { DEFAULT_RETRY_SCHEDULE_429_SECONDS, DEFAULT_RETRY_SCHEDULE_SECONDS } from '../config.js';

export interface RetryPolicy {
  /** Delays between counted attempts; total attempts = length + 1. */
  slowScheduleSeconds: number[];
  /** Delays for successive 429 responses; these retries do not count against the limit. */
  fastScheduleSeconds: number[];
  /** Upper bound for a 429's Retry-After in the fast tier. */
  fastRetryAfterCapSeconds: number;
  /** Up to this fraction of the delay is added at random, spreading retries of a burst of failures. */
  jitterRatio: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  slowScheduleSeconds: [...DEFAULT_RETRY_SCHEDULE_SECONDS],
  fastScheduleSeconds: [...DEFAULT_RETRY_SCHEDULE_429_SECONDS],
  fastRetryAfterCapSeconds: 3600,
  jitterRatio: 0.1,
});

export type DeliveryErrorKind = 'timeout' | 'connection' | 'dns' | 'tls' | 'blocked' | 'other';

/** What the decision reads of an attempt's DeliveryResult: the receiver's answer, or why there was none. */
export type ResponseOrError =
  | { kind: 'response'; status: number; retryAfter?: string | null }
  | { kind: 'error'; error: DeliveryErrorKind };

export interface RetryState {
  /**
   * Attempts counted against the limit, including the one just made (so 1 after the first attempt).
   * When the decision says `countsAgainstLimit: false`, the caller keeps its stored count unchanged.
   */
  slowAttempts: number;
  /** 429 retries already scheduled for this message. */
  fastRetries: number;
}

export type RetryDecision =
  | { kind: 'succeeded' }
  | { kind: 'retry'; delayMs: number; retryType: 'slow' | 'fast'; countsAgainstLimit: boolean }
  | { kind: 'failed_permanent'; reason: string };

export interface DecisionContext {
  /** Current time in ms since the epoch; an HTTP-date Retry-After is measured from it. */
  now: number;
  /** Uniform in [0, 1), like Math.random. */
  random: () => number;
}

const SUCCEEDED: RetryDecision = Object.freeze({ kind: 'succeeded' });

export function decideNextStep(
  outcome: ResponseOrError,
  state: RetryState,
  policy: RetryPolicy,
  context: DecisionContext,
): RetryDecision {
  if (outcome.kind === 'error') {
    if (outcome.error === 'blocked') {
      return { kind: 'failed_permanent', reason: 'destination address is not allowed (private or reserved)' };
    }
    // 'other' is retried too: an unclassified failure is more likely transient than a verdict on the message.
    return slowRetry(state, policy, context, null, errorLabel(outcome.error));
  }

  const { status } = outcome;
  if (status >= 200 && status < 300) return SUCCEEDED;
  if (status === 429) {
    const slot = policy.fastScheduleSeconds[state.fastRetries];
    if (slot !== undefined) {
      const retryAfter = parseRetryAfter(outcome.retryAfter, context.now);
      const seconds = retryAfter === null ? slot : clamp(retryAfter, slot, policy.fastRetryAfterCapSeconds);
      return {
        kind: 'retry',
        delayMs: withJitter(seconds, policy.jitterRatio, context.random),
        retryType: 'fast',
        countsAgainstLimit: false,
      };
    }
    return slowRetry(state, policy, context, outcome.retryAfter, 'HTTP 429');
  }
  if (status >= 400 && status < 500 && status !== 408) {
    return { kind: 'failed_permanent', reason: `HTTP ${status} is not retryable` };
  }
  // 408, 5xx, 3xx (redirects are not followed) and anything outside the defined classes.
  return slowRetry(state, policy, context, outcome.retryAfter, `HTTP ${status}`);
}

function slowRetry(
  state: RetryState,
  policy: RetryPolicy,
  context: DecisionContext,
  retryAfterHeader: string | null | undefined,
  label: string,
): RetryDecision {
  const attempts = Math.max(1, state.slowAttempts);
  const slot = policy.slowScheduleSeconds[attempts - 1];
  if (slot === undefined) {
    return {
      kind: 'failed_permanent',
      reason: `retries exhausted after ${attempts} attempts (last: ${label})`,
    };
  }
  const retryAfter = parseRetryAfter(retryAfterHeader, context.now);
  const seconds = retryAfter === null ? slot : clamp(retryAfter, slot, 2 * slot);
  return {
    kind: 'retry',
    delayMs: withJitter(seconds, policy.jitterRatio, context.random),
    retryType: 'slow',
    countsAgainstLimit: true,
  };
}

function errorLabel(error: DeliveryErrorKind): string {
  return error === 'other' ? 'delivery error' : `${error} error`;
}

/** `min` wins over `max`, so a tier's own slot is always honoured even if a cap is configured below it. */
function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, max));
}

/** Jitter is only ever added, so the delay (and thus Retry-After) stays a minimum. */
function withJitter(seconds: number, ratio: number, random: () => number): number {
  const base = Math.ceil(seconds * 1000);
  return base + Math.floor(random() * ratio * base);
}

const DELTA_SECONDS = /^\d+$/;
// IMF-fixdate, RFC 850 and asctime all start with a day name; requiring it keeps Date.parse's lenient
// guessing away from values like "-1" or "2025".
const HTTP_DATE = /^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,? /i;

/**
 * Retry-After as whole seconds from `nowMs` (delta-seconds or HTTP-date, RFC 9110 §10.2.3), rounded up;
 * a date in the past gives 0. Anything unparseable gives null and is ignored.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value == null) return null;
  const text = value.trim();
  if (DELTA_SECONDS.test(text)) {
    const seconds = Number(text);
    return Number.isFinite(seconds) ? seconds : null;
  }
  if (!HTTP_DATE.test(text)) return null;
  // asctime carries no zone but is GMT by definition; Date.parse would read it as local time.
  const at = Date.parse(/ (?:GMT|UTC)$/i.test(text) ? text : `${text} GMT`);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}
