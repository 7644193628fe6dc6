import { performance } from 'node:perf_hooks';
import { newUuid } from '../lib/ids.js';
import type { Completion } from './completions.js';
import type { DeliveryResult } from './delivery-result.js';
import type { HttpSender } from './http-sender.js';
import type { ClaimedMessage, EndpointTarget } from './queue-store.js';
import { decideNextStep, type ResponseOrError, type RetryPolicy } from './retry-policy.js';
import { buildHeaders } from './delivery-headers.js';

export interface AttemptDeliveryOptions {
  sender: HttpSender;
  policy: RetryPolicy;
  userAgent: string;
  now?: () => number;
  random?: () => number;
}

/** Makes one delivery attempt and turns its result into what the completion writer records. */
export async function attemptDelivery(
  message: ClaimedMessage,
  target: EndpointTarget | undefined,
  secrets: string[],
  options: AttemptDeliveryOptions,
): Promise<Completion> {
  const now = options.now ?? Date.now;
  if (!target || target.deleted) return finalWithoutAttempt(message, 'endpoint deleted');
  if (!message.payload) return finalWithoutAttempt(message, 'payload no longer retained');

  const startedAt = now();
  const started = performance.now();
  const timestamp = Math.floor(startedAt / 1000);
  const body = message.payload;
  const headers = buildHeaders(message, target, secrets, timestamp, body, options.userAgent);
  const processingMs = performance.now() - started;
  const result = await options.sender.send({ url: target.url, headers, body });

  const counted = message.attempt_count - message.fast_retry_count - message.retry_base;
  const decision = decideNextStep(
    toResponseOrError(result),
    { slowAttempts: counted + 1, fastRetries: message.fast_retry_count },
    options.policy,
    { now: now(), random: options.random ?? Math.random },
  );
  const attemptNo = message.attempt_count + 1;
  // The receiver's latency, not the time this attempt waited for a free connection inside the server.
  const { responseMs } = result.timings;
  const latencyMs = responseMs === null ? null : Math.round(responseMs);
  const responseStatus = result.kind === 'response' ? result.status : null;
  const lastError = describeFailure(result, decision.kind);
  const retry = decision.kind === 'retry' ? decision : null;
  const finishedAt = new Date(now());

  return {
    message_id: message.id,
    status: decision.kind === 'retry' ? 'pending_retry' : decision.kind,
    next_attempt_at: retry ? new Date(finishedAt.getTime() + retry.delayMs).toISOString() : null,
    attempt_count: attemptNo,
    fast_retry_count: message.fast_retry_count + (retry && !retry.countsAgainstLimit ? 1 : 0),
    last_error: decision.kind === 'failed_permanent' && !lastError ? decision.reason : lastError,
    response_status: responseStatus,
    response_latency_ms: latencyMs,
    attempted_at: new Date(startedAt).toISOString(),
    attempt: {
      id: newUuid(),
      message_id: message.id,
      project_id: message.project_id,
      endpoint_id: message.endpoint_id,
      attempt_no: attemptNo,
      response_status: responseStatus,
      response_latency_ms: latencyMs,
      processing_ms: round(processingMs),
      error_text: result.kind === 'error' ? result.message : null,
      response_headers: result.kind === 'response' ? result.headers : null,
      response_body: result.kind === 'response' ? result.body : null,
      response_body_truncated: result.kind === 'response' && result.bodyTruncated,
      request_headers: redactSignature(headers),
      retry_type: retry?.retryType ?? null,
      retry_after_seconds: retry ? Math.round(retry.delayMs / 1000) : null,
      resolved_ip: result.resolvedIp,
      dns_ms: result.timings.dnsMs,
      tcp_connect_ms: result.timings.connectMs,
      tls_handshake_ms: result.timings.tlsMs,
      ttfb_ms: result.timings.ttfbMs,
      transfer_ms: result.timings.transferMs,
      conn_reused: result.kind === 'response' ? result.connectionReused : null,
      created_at: finishedAt.toISOString(),
    },
  };
}

function toResponseOrError(result: DeliveryResult): ResponseOrError {
  return result.kind === 'response'
    ? { kind: 'response', status: result.status, retryAfter: result.headers['retry-after'] ?? null }
    : { kind: 'error', error: result.error };
}

function describeFailure(result: DeliveryResult, decision: string): string | null {
  if (result.kind === 'error') return result.message;
  if (decision === 'succeeded') return null;
  return `HTTP ${result.status}`;
}

function finalWithoutAttempt(message: ClaimedMessage, reason: string): Completion {
  return {
    message_id: message.id,
    status: 'failed_permanent',
    next_attempt_at: null,
    attempt_count: message.attempt_count,
    fast_retry_count: message.fast_retry_count,
    last_error: reason,
    response_status: null,
    response_latency_ms: null,
    attempted_at: null,
    attempt: null,
  };
}

/** Attempt logs keep the request headers, but a signature is as good as a password for one replay. */
function redactSignature(headers: Record<string, string>): Record<string, string> {
  const copy = { ...headers };
  if (copy['X-Webhook-Signature']) copy['X-Webhook-Signature'] = 'sha256=…';
  return copy;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
