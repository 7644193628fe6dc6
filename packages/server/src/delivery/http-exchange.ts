/**
 * One delivery request in flight, as an undici dispatch handler: the whole-attempt deadline, the capped
 * capture of the response, the per-phase timings, and settling exactly once with a DeliveryResult.
 */
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { addressOf, classifyDeliveryError } from './delivery-errors.js';
import type { DeliveryResult, DeliveryTimings } from './delivery-result.js';
import type { DeliveryErrorKind } from './retry-policy.js';
import { decodeBody, flattenHeaders } from './response-capture.js';
import { awaitSocket, type Connection, failedConnectionOf, type SocketWaiter } from './timed-connector.js';

export class HttpExchange implements Dispatcher.DispatchHandler, SocketWaiter {
  #hostname = '';
  readonly #resolve: (result: DeliveryResult) => void;
  readonly #timeoutMs: number;
  readonly #maxBodyBytes: number;
  readonly #startedAt = performance.now();
  #timer: NodeJS.Timeout | null = null;
  #controller: Dispatcher.DispatchController | null = null;
  #settled = false;
  #connection: Connection | null = null;
  #reused = false;
  #sentAt = 0;
  #headersAt = 0;
  #status = 0;
  #headers: Record<string, string> | null = null;
  #chunks: Buffer[] = [];
  #received = 0;
  #truncated = false;

  constructor(resolve: (result: DeliveryResult) => void, timeoutMs: number, maxBodyBytes: number) {
    this.#resolve = resolve;
    this.#timeoutMs = timeoutMs;
    this.#maxBodyBytes = maxBodyBytes;
  }

  start(hostname: string): void {
    this.#hostname = hostname;
    this.#timer = setTimeout(() => this.#onDeadline(), this.#timeoutMs);
  }

  onSocket(connection: Connection): void {
    this.#connection = connection;
    this.#reused = connection.requests > 0;
    connection.requests++;
    this.#sentAt = performance.now();
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.#settled) {
      // Timed out while queued for a connection: never send it.
      controller.abort(new Error('delivery attempt already timed out'));
      return;
    }
    this.#controller = controller;
    awaitSocket(this);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.#headersAt = performance.now();
    this.#status = statusCode;
    this.#headers = flattenHeaders(headers);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    const room = this.#maxBodyBytes - this.#received;
    if (chunk.length <= room) {
      this.#chunks.push(chunk);
      this.#received += chunk.length;
      return;
    }
    if (room > 0) {
      this.#chunks.push(chunk.subarray(0, room));
      this.#received += room;
    }
    // Read no further: settle with what fits and drop the connection rather than drain an unbounded body.
    this.#truncated = true;
    this.#respond();
    controller.abort(new Error('response body exceeds the capture limit'));
  }

  onResponseEnd(): void {
    this.#respond();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.#settled) return;
    if (this.#status !== 0) {
      // The receiver already answered with a status; losing the rest of the body does not change it.
      this.#truncated = true;
      this.#respond();
      return;
    }
    const failure = classifyDeliveryError(error, this.#hostname, this.#timeoutMs);
    const connection = this.#connection ?? failedConnectionOf(error);
    if (this.#connection === null && connection !== null) this.#connection = connection;
    this.fail(failure.kind, failure.message, connection?.remoteAddress ?? addressOf(error));
  }

  fail(kind: DeliveryErrorKind, message: string, resolvedIp: string | null = null): void {
    if (this.#settled) return;
    this.#settle({
      kind: 'error',
      error: kind,
      message,
      timings: this.#timings(performance.now()),
      resolvedIp: resolvedIp ?? this.#connection?.remoteAddress ?? null,
    });
  }

  #onDeadline(): void {
    this.#timer = null;
    if (this.#settled) return;
    if (this.#status !== 0) {
      this.#truncated = true;
      this.#respond();
    } else {
      const phase =
        this.#connection !== null
          ? 'waiting for the response'
          : 'connecting (or waiting for a free connection)';
      this.fail('timeout', `timed out after ${this.#timeoutMs} ms ${phase}`);
    }
    this.#controller?.abort(new Error('delivery attempt timed out'));
  }

  #respond(): void {
    if (this.#settled) return;
    const endedAt = performance.now();
    this.#settle({
      kind: 'response',
      status: this.#status,
      headers: this.#headers ?? {},
      body: decodeBody(this.#chunks, this.#received, this.#truncated),
      bodyTruncated: this.#truncated,
      timings: this.#timings(endedAt),
      resolvedIp: this.#connection?.remoteAddress ?? null,
      connectionReused: this.#reused,
    });
  }

  #timings(endedAt: number): DeliveryTimings {
    const fresh = this.#connection !== null && !this.#reused ? this.#connection : null;
    return {
      dnsMs: round(fresh?.dnsMs ?? null),
      connectMs: round(fresh?.connectMs ?? null),
      tlsMs: round(fresh?.tlsMs ?? null),
      ttfbMs: this.#headersAt !== 0 && this.#sentAt !== 0 ? round(this.#headersAt - this.#sentAt) : null,
      transferMs: this.#headersAt !== 0 ? round(endedAt - this.#headersAt) : null,
      totalMs: round(endedAt - this.#startedAt),
      responseMs: this.#sentAt !== 0 ? round(endedAt - this.#sentAt) : null,
    };
  }

  #settle(result: DeliveryResult): void {
    this.#settled = true;
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    this.#chunks = [];
    this.#resolve(result);
  }
}

/** Hundredths of a millisecond: finer than any phase worth reporting, without float noise in the log. */
function round<T extends number | null>(ms: T): T {
  return (ms === null ? null : Math.round(ms * 100) / 100) as T;
}
