import type { paths } from '@hookbridge/sdk';

// Response types for tests, read from the SDK's types (generated from /openapi.json, and checked against it
// by the SDK's drift test): `api<ResponseBody<'/v1/logs', 'get'>>('GET', '/v1/logs?limit=5')`.
export type { ResponseBody, ResponseData } from '@hookbridge/sdk';

/** The error envelope every 4xx and 5xx answer has, as /openapi.json documents it. */
export type ErrorEnvelope = paths['/v1/api-keys']['get']['responses'][401]['content']['application/json'];

/**
 * A body read before its status is checked: the success envelope `T` or the error envelope. Tests assert
 * the status, then read the half it implies.
 */
export type Answer<T> = T & ErrorEnvelope;

// `T` defaults to any so a call can read a body whose status it is about to check; pass the route's
// ResponseBody (or ErrorEnvelope) to have the compiler check the fields a test reads.
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  key?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/** One HTTP call to the running server, the way an SDK makes it. */
export async function call<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(baseUrl + path, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {}
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/** A client bound to one server and one key. */
export function client(baseUrl: string, key: string | null) {
  return <T = any>(
    method: string,
    path: string,
    options: Omit<CallOptions, 'key'> & { key?: string | null } = {},
  ) => call<T>(baseUrl, method, path, { key, ...options });
}

export type Api = ReturnType<typeof client>;
