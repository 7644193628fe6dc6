/**
 * Every request the console makes goes through here: same-origin, with the session cookie the browser
 * holds (HttpOnly: this script never sees it), the session's CSRF token on writes, and, for an admin
 * session, the project it acts for. No key is ever kept in the page.
 */
let csrfToken: string | null = null;
let projectId: string | null = null;
let onUnauthorized: () => void = () => {};

export function applySessionHeaders(csrf: string | null, project: string | null): void {
  csrfToken = csrf;
  projectId = project;
}

export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export async function consoleFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (csrfToken) headers.set('x-csrf-token', csrfToken);
  if (projectId) headers.set('x-project-id', projectId);
  const response = await fetch(input, { ...init, headers, credentials: 'same-origin' });
  if (response.status === 401) onUnauthorized();
  return response;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Envelope<T> {
  data: T;
  meta: { request_id: string; next_cursor?: string | null; has_more?: boolean; [key: string]: unknown };
}

/** One JSON call to the public API; an error envelope becomes an ApiError with its code and message. */
export async function request<T>(method: string, path: string, body?: unknown): Promise<Envelope<T>> {
  const init: RequestInit = { method, headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...init.headers, 'content-type': 'application/json' };
  }
  const response = await consoleFetch(path, init);
  const text = await response.text();
  const parsed = text
    ? (JSON.parse(text) as Envelope<T> & { error?: { code: string; message: string } })
    : null;
  if (!response.ok) {
    const error = parsed?.error;
    throw new ApiError(response.status, error?.code ?? 'HTTP_ERROR', error?.message ?? response.statusText);
  }
  return parsed as Envelope<T>;
}

/** Query-string helper: drops empty values so a URL only carries the filters actually set. */
export function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
