import type { RetryPolicy } from './retry.js';

export const DEFAULT_BASE_URL = 'https://api.hookbridge.io';
export const DEFAULT_SEND_URL = 'https://send.hookbridge.io';
export const DEFAULT_TIMEOUT_MS = 30_000;

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** `hb_live_…` or `hb_test_…`; default env HOOKBRIDGE_API_KEY. Without one no Authorization is sent. */
  apiKey?: string;
  /** Management API; default env HOOKBRIDGE_BASE_URL, then https://api.hookbridge.io. */
  baseUrl?: string;
  /**
   * Send API; default env HOOKBRIDGE_SEND_URL, then `baseUrl` when one was given (a self-hosted server
   * serves both), then https://send.hookbridge.io.
   */
  sendUrl?: string;
  /** Per-attempt timeout in milliseconds (default 30 000). */
  timeout?: number;
  /** Retries after the first attempt (default 2). */
  maxRetries?: number;
  /** Backoff tuning; mostly for tests. */
  retry?: Partial<Omit<RetryPolicy, 'maxRetries'>>;
  /** A fetch implementation (default globalThis.fetch). */
  fetch?: FetchLike;
  /** Aborts every call of this client. */
  signal?: AbortSignal;
  /** Headers added to every request. */
  headers?: Record<string, string>;
}

export interface ResolvedConfig {
  apiKey: string | null;
  baseUrl: string;
  sendUrl: string;
  timeout: number;
  retry: RetryPolicy;
  fetch: FetchLike;
  signal: AbortSignal | null;
  headers: Record<string, string>;
}

function env(name: string): string | undefined {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[
    name
  ];
  return value === '' ? undefined : value;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export function resolveConfig(options: ClientOptions, defaults: RetryPolicy): ResolvedConfig {
  const explicitBase = options.baseUrl ?? env('HOOKBRIDGE_BASE_URL');
  const baseUrl = trimSlash(explicitBase ?? DEFAULT_BASE_URL);
  const sendUrl = trimSlash(
    options.sendUrl ?? env('HOOKBRIDGE_SEND_URL') ?? explicitBase ?? DEFAULT_SEND_URL,
  );
  const fetchImpl = options.fetch ?? (globalThis.fetch?.bind(globalThis) as FetchLike | undefined);
  if (!fetchImpl) throw new TypeError('No fetch implementation: pass options.fetch');
  return {
    apiKey: options.apiKey ?? env('HOOKBRIDGE_API_KEY') ?? null,
    baseUrl,
    sendUrl,
    timeout: options.timeout ?? DEFAULT_TIMEOUT_MS,
    retry: { ...defaults, ...options.retry, maxRetries: options.maxRetries ?? defaults.maxRetries },
    fetch: fetchImpl,
    signal: options.signal ?? null,
    headers: options.headers ?? {},
  };
}
