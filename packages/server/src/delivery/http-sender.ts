/**
 * One HTTP POST per delivery attempt over a shared keep-alive pool (undici Agent, one pool per origin).
 * Never throws for network outcomes: every attempt ends as a response (any status; redirects are not
 * followed) or a classified error, with per-phase timings for the attempt log.
 */
import { channel } from 'node:diagnostics_channel';
import { isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import type { DeliveryErrorKind } from './retry-policy.js';
import { ADDRESS_BLOCKED, addressBlockedError, guardedLookup, isPublicAddress } from './address-guard.js';

export interface HttpSenderOptions {
  /** Whole-attempt deadline: queueing for a connection, connect, TLS, headers and body. */
  timeoutMs?: number;
  /** Development and tests only: allow loopback/private destinations and plain http://. */
  allowPrivateNetworks: boolean;
  /** Sent as User-Agent unless the request's own headers name one. */
  userAgent: string;
  /** An extra trusted CA (PEM), added to the system roots. */
  ca?: string | Buffer;
  maxResponseBodyBytes?: number;
  connectionsPerOrigin?: number;
}

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

export type DeliveryResult = DeliveryResponse | DeliveryFailure;

/** What the connector learned about one socket; shared by every request that later reuses it. */
interface Connection {
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  remoteAddress: string | null;
  requests: number;
}

const connections = new WeakMap<Socket, Connection>();
/** Failed connects, keyed by the error undici hands to every request queued on that origin. */
const failedConnections = new WeakMap<Error, Connection>();

/*
 * undici does not tell a handler which socket carries its request. It does call the handler's
 * onRequestStart and then, synchronously and with nothing in between, publish `undici:client:sendHeaders`
 * with the socket. So the attempt that just started is parked here and claimed by the next publish; the
 * WeakMap check ignores sockets that are not ours (other undici copies publish on the same channel).
 */
let startingAttempt: Attempt | null = null;
let subscribed = false;

function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  channel('undici:client:sendHeaders').subscribe((message) => {
    const attempt = startingAttempt;
    if (attempt === null) return;
    startingAttempt = null;
    const connection = connections.get((message as { socket: Socket }).socket);
    if (connection !== undefined) attempt.onSocket(connection);
  });
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BODY_BYTES = 65_536;
const DEFAULT_CONNECTIONS = 32;

export class HttpSender {
  readonly #agent: Agent;
  readonly #allowPrivate: boolean;
  readonly #userAgent: string;
  readonly #timeoutMs: number;
  readonly #maxBodyBytes: number;

  constructor(options: HttpSenderOptions) {
    this.#allowPrivate = options.allowPrivateNetworks;
    this.#userAgent = options.userAgent;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxBodyBytes = options.maxResponseBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    subscribeOnce();

    // One context for every TLS connection: building one per connect would re-parse the CA bundle each time.
    const secureContext: SecureContext = createSecureContext(
      options.ca === undefined ? {} : { ca: [...rootCertificates, options.ca.toString()] },
    );
    const base = buildConnector({
      timeout: this.#timeoutMs,
      keepAlive: true,
      secureContext,
      ...(this.#allowPrivate ? {} : { lookup: guardedLookup(false) }),
    }) as unknown as (options: buildConnector.Options, callback: buildConnector.Callback) => Socket;
    const allowPrivate = this.#allowPrivate;

    const connect: buildConnector.connector = (connectOptions, callback) => {
      const startedAt = performance.now();
      const connection: Connection = {
        dnsMs: null,
        connectMs: null,
        tlsMs: null,
        remoteAddress: null,
        requests: 0,
      };
      const host = connectOptions.hostname;
      // An IP literal never reaches the lookup function, so the guard has to look at it here.
      if (!allowPrivate && isIP(host) !== 0 && !isPublicAddress(host)) {
        const error = addressBlockedError(host, host);
        connection.remoteAddress = host;
        failedConnections.set(error, connection);
        callback(error, null);
        return;
      }
      let lookedUpAt = startedAt;
      let connectedAt = 0;
      const socket = base(connectOptions, (error, connected) => {
        if (error !== null) {
          failedConnections.set(error, connection);
          callback(error, null);
          return;
        }
        connection.remoteAddress = connected.remoteAddress ?? null;
        connections.set(connected, connection);
        callback(null, connected);
      });
      socket.once('lookup', (error: Error | null, address: string | undefined) => {
        lookedUpAt = performance.now();
        connection.dnsMs = lookedUpAt - startedAt;
        if (error === null && address) connection.remoteAddress = address;
      });
      socket.once('connect', () => {
        connectedAt = performance.now();
        connection.connectMs = connectedAt - lookedUpAt;
      });
      if (connectOptions.protocol === 'https:') {
        socket.once('secureConnect', () => {
          if (connectedAt !== 0) connection.tlsMs = performance.now() - connectedAt;
        });
      }
    };

    this.#agent = new Agent({
      connect,
      connections: options.connectionsPerOrigin ?? DEFAULT_CONNECTIONS,
      pipelining: 1,
      // Backstops only: the attempt's own deadline fires first.
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    });
  }

  send(request: DeliveryRequest): Promise<DeliveryResult> {
    return new Promise<DeliveryResult>((resolve) => {
      const attempt = new Attempt(resolve, this.#timeoutMs, this.#maxBodyBytes);
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        attempt.fail('blocked', `invalid URL ${JSON.stringify(request.url)}`);
        return;
      }
      if (url.protocol !== 'https:' && (url.protocol !== 'http:' || !this.#allowPrivate)) {
        attempt.fail(
          'blocked',
          url.protocol === 'http:'
            ? 'plain http:// destinations are not allowed; use https://'
            : `unsupported URL scheme ${url.protocol}`,
        );
        return;
      }
      attempt.start(url.hostname);
      this.#agent.dispatch(
        {
          origin: url.origin,
          path: url.pathname + url.search,
          method: 'POST',
          headers: withUserAgent(request.headers, this.#userAgent),
          body: request.body,
        },
        attempt,
      );
    });
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}

function withUserAgent(headers: Record<string, string>, userAgent: string): Record<string, string> {
  for (const name in headers) {
    if (name.length === 10 && name.toLowerCase() === 'user-agent') return headers;
  }
  return { ...headers, 'user-agent': userAgent };
}

class Attempt implements Dispatcher.DispatchHandler {
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
    startingAttempt = this;
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
    const failure = classify(error, this.#hostname, this.#timeoutMs);
    const connection = this.#connection ?? failedConnections.get(error) ?? null;
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

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  for (const name in headers) {
    if (typeof headers[name] !== 'string') return joinHeaderValues(headers);
  }
  return headers as Record<string, string>;
}

function joinHeaderValues(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) out[name] = typeof value === 'string' ? value : value.join(', ');
  }
  return out;
}

function decodeBody(chunks: Buffer[], length: number, truncated: boolean): string {
  if (length === 0) return '';
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
  return bytes.toString('utf8', 0, truncated ? utf8Boundary(bytes, length) : length);
}

/** End offset that does not split a multi-byte UTF-8 sequence at the cut. */
function utf8Boundary(bytes: Buffer, end: number): number {
  for (let i = end - 1; i >= 0 && i >= end - 4; i--) {
    const byte = bytes[i]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return i + needed > end ? i : end;
  }
  return end;
}

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

function classify(
  error: Error,
  hostname: string,
  timeoutMs: number,
): { kind: DeliveryErrorKind; message: string } {
  // Happy-eyeballs connects report every address that failed; the first says enough.
  const cause = error instanceof AggregateError && error.errors[0] instanceof Error ? error.errors[0] : error;
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

function addressOf(error: Error): string | null {
  const cause = error instanceof AggregateError && error.errors[0] instanceof Error ? error.errors[0] : error;
  const address = (cause as { address?: unknown }).address;
  return typeof address === 'string' ? address : null;
}

function targetOf(error: Error): string | null {
  const { address, port } = error as { address?: unknown; port?: unknown };
  if (typeof address !== 'string') return null;
  const host = address.includes(':') ? `[${address}]` : address;
  return typeof port === 'number' ? `${host}:${port}` : host;
}
