/**
 * One HTTP POST per delivery attempt over a shared keep-alive pool (undici Agent, one pool per origin).
 * Never throws for network outcomes: every attempt ends as a response (any status; redirects are not
 * followed) or a classified error, with per-phase timings for the attempt log.
 */
import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent } from 'undici';
import type { DeliveryRequest, DeliveryResult } from './delivery-result.js';
import { HttpExchange } from './http-exchange.js';
import { timedConnector } from './timed-connector.js';

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
    this.#agent = new Agent({
      connect: timedConnector({
        timeoutMs: this.#timeoutMs,
        // One context for every TLS connection: building one per connect would re-parse the CA bundle each time.
        secureContext: createSecureContext(
          options.ca === undefined ? {} : { ca: [...rootCertificates, options.ca.toString()] },
        ),
        allowPrivateNetworks: this.#allowPrivate,
      }),
      connections: options.connectionsPerOrigin ?? DEFAULT_CONNECTIONS,
      pipelining: 1,
      // Backstops only: the attempt's own deadline fires first.
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    });
  }

  send(request: DeliveryRequest): Promise<DeliveryResult> {
    return new Promise<DeliveryResult>((resolve) => {
      const exchange = new HttpExchange(resolve, this.#timeoutMs, this.#maxBodyBytes);
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        exchange.fail('blocked', `invalid URL ${JSON.stringify(request.url)}`);
        return;
      }
      if (url.protocol !== 'https:' && (url.protocol !== 'http:' || !this.#allowPrivate)) {
        exchange.fail(
          'blocked',
          url.protocol === 'http:'
            ? 'plain http:// destinations are not allowed; use https://'
            : `unsupported URL scheme ${url.protocol}`,
        );
        return;
      }
      exchange.start(url.hostname);
      this.#agent.dispatch(
        {
          origin: url.origin,
          path: url.pathname + url.search,
          method: 'POST',
          headers: withUserAgent(request.headers, this.#userAgent),
          body: request.body,
        },
        exchange,
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
