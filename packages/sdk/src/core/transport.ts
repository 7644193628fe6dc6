import { VERSION } from '../version.js';
import type { ResolvedConfig } from './config.js';
import { ConnectionError, errorFromResponse, type HookBridgeError, TimeoutError } from './errors.js';
import {
  isRetryable,
  type Outcome,
  parseRetryAfter,
  type RetryMode,
  retryDelay,
  wasNeverSent,
} from './retry.js';

export type QueryValue = string | number | boolean | Date | null | undefined;

/** Per-call options every method accepts as its last argument. */
export interface RequestOptions {
  signal?: AbortSignal;
  /** Per-attempt timeout in milliseconds for this call. */
  timeout?: number;
  maxRetries?: number;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue> | undefined;
  body?: unknown;
  /** `send` for the send host; else the management API. */
  host?: 'api' | 'send';
  retry: RetryMode;
  /** Answer 3xx to the caller instead of following it. */
  manualRedirect?: boolean;
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** The parsed JSON body; null when empty. */
  body: T;
  requestId: string | null;
}

function runtimeName(): string {
  const g = globalThis as { process?: { versions?: { node?: string } }; navigator?: { userAgent?: string } };
  if (g.process?.versions?.node) return `node/${g.process.versions.node}`;
  return g.navigator?.userAgent ? 'browser' : 'unknown';
}

export const USER_AGENT = `hookbridge-sdk-typescript/${VERSION} ${runtimeName()}`;

export function buildUrl(base: string, path: string, query?: Record<string, QueryValue>): string {
  const url = new URL(base + path);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    url.searchParams.set(key, value instanceof Date ? value.toISOString() : String(value));
  }
  return url.toString();
}

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** The one place requests are made: headers, timeouts, retries and error mapping. */
export class Transport {
  constructor(readonly config: ResolvedConfig) {}

  async request<T>(spec: RequestSpec, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const { config } = this;
    const base = spec.host === 'send' ? config.sendUrl : config.baseUrl;
    const url = buildUrl(base, spec.path, spec.query);
    const maxRetries = options.maxRetries ?? config.retry.maxRetries;
    const callerSignal = anySignal([config.signal, options.signal]);
    for (let retry = 0; ; retry++) {
      const result = await this.attempt<T>(url, spec, options, callerSignal);
      if (result.ok) return result.response;
      const { outcome, error } = result;
      if (retry >= maxRetries || !isRetryable(outcome, spec.retry)) throw error;
      const delay = retryDelay(outcome, retry + 1, config.retry);
      if (delay === null) throw error;
      await sleep(delay, callerSignal);
    }
  }

  private async attempt<T>(
    url: string,
    spec: RequestSpec,
    options: RequestOptions,
    callerSignal: AbortSignal | undefined,
  ): Promise<
    { ok: true; response: ApiResponse<T> } | { ok: false; outcome: Outcome; error: HookBridgeError }
  > {
    const timeoutMs = options.timeout ?? this.config.timeout;
    const timeoutSignal = AbortSignal.timeout(timeoutMs);
    const signal = anySignal([callerSignal, timeoutSignal])!;
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': USER_AGENT,
      ...this.config.headers,
      ...options.headers,
    };
    if (this.config.apiKey) headers.Authorization = `Bearer ${this.config.apiKey}`;
    const init: RequestInit = { method: spec.method, headers, signal };
    if (spec.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(spec.body);
    }
    if (spec.manualRedirect) init.redirect = 'manual';
    let response: Response;
    let text: string;
    try {
      response = await this.config.fetch(url, init);
      text = await response.text();
    } catch (cause) {
      if (callerSignal?.aborted) throw callerSignal.reason;
      if (timeoutSignal.aborted) {
        const error = new TimeoutError(`No answer from ${spec.method} ${spec.path} within ${timeoutMs} ms`, {
          code: 'TIMEOUT',
          cause,
        });
        return { ok: false, outcome: { kind: 'timeout' }, error };
      }
      const error = new ConnectionError(`Connection to ${new URL(url).origin} failed: ${describe(cause)}`, {
        code: 'CONNECTION_ERROR',
        cause,
      });
      return { ok: false, outcome: { kind: 'network', sent: !wasNeverSent(cause) }, error };
    }
    const body = parseBody(text);
    const requestId = requestIdOf(body) ?? response.headers.get('x-request-id');
    const isRedirect = spec.manualRedirect && response.status >= 300 && response.status < 400;
    if (response.ok || isRedirect) {
      return {
        ok: true,
        response: { status: response.status, headers: response.headers, body: body as T, requestId },
      };
    }
    const envelope = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)
      ?.error;
    const code = typeof envelope?.code === 'string' ? envelope.code : `HTTP_${response.status}`;
    const message =
      typeof envelope?.message === 'string'
        ? envelope.message
        : `${spec.method} ${spec.path} answered ${response.status}`;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const error = errorFromResponse(message, {
      status: response.status,
      code,
      requestId,
      headers: response.headers,
      retryAfter: retryAfterMs === null ? null : Math.ceil(retryAfterMs / 1000),
      details:
        envelope?.details && typeof envelope.details === 'object'
          ? (envelope.details as Record<string, unknown>)
          : null,
    });
    return { ok: false, outcome: { kind: 'response', status: response.status, code, retryAfterMs }, error };
  }
}

function anySignal(signals: (AbortSignal | null | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => !!s);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return { raw: text };
  }
}

function requestIdOf(body: unknown): string | null {
  const id = (body as { meta?: { request_id?: unknown } } | null)?.meta?.request_id;
  return typeof id === 'string' ? id : null;
}

function describe(cause: unknown): string {
  const inner = (cause as { cause?: { message?: string; code?: string } })?.cause;
  if (inner?.code) return `${inner.code}${inner.message ? ` (${inner.message})` : ''}`;
  return cause instanceof Error ? cause.message : String(cause);
}
