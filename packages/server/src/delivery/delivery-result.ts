import type { DeliveryErrorKind } from './retry-policy.js';

/** One HTTP delivery as the sender takes it: always a POST. */
export interface DeliveryRequest {
  url: string;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

/**
 * Milliseconds per phase; null where the phase did not happen or was not observed. dns/connect/tls are set
 * only on the attempt that opened the connection. ttfb runs from writing the request to the response
 * headers, transfer from the headers to the end of the body (or the cut-off), total from `send()` to the
 * result, so total minus the rest is time spent queued for a connection. `responseMs` is the receiver's
 * latency: from the request written to the result (null when no request was written: it never reached
 * the receiver). Time spent queued for a free connection is the server's, not the receiver's.
 */
export interface DeliveryTimings {
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  ttfbMs: number | null;
  transferMs: number | null;
  totalMs: number;
  responseMs: number | null;
}

export interface DeliveryResponse {
  kind: 'response';
  status: number;
  /** Lowercase names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  /** UTF-8, at most maxResponseBodyBytes bytes (cut on a character boundary). */
  body: string;
  /** True when the body was cut at the cap or ended early after the headers had arrived. */
  bodyTruncated: boolean;
  timings: DeliveryTimings;
  resolvedIp: string | null;
  connectionReused: boolean;
}

export interface DeliveryFailure {
  kind: 'error';
  error: DeliveryErrorKind;
  /** Human readable, e.g. "connection refused (ECONNREFUSED) to 127.0.0.1:9". */
  message: string;
  timings: DeliveryTimings;
  resolvedIp: string | null;
}

/** Every attempt ends as one of these: a response (any status) or a classified failure. */
export type DeliveryResult = DeliveryResponse | DeliveryFailure;
