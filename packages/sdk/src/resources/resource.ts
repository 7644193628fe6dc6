import { Page, PagePromise } from '../core/pagination.js';
import type { ApiResponse, QueryValue, RequestOptions, RequestSpec, Transport } from '../core/transport.js';

export const seg = (value: string) => encodeURIComponent(value);

interface Envelope<D> {
  data: D;
  meta?: { next_cursor?: string | null; has_more?: boolean; total?: number; offset?: number; limit?: number };
}

/** Shared plumbing of the resource groups: one request, unwrapped to its `data`. */
export abstract class Resource {
  constructor(protected readonly transport: Transport) {}

  protected async data<D>(spec: RequestSpec, options?: RequestOptions): Promise<D> {
    const response = await this.transport.request<Envelope<D> | null>(spec, options);
    return (response.body?.data ?? null) as D;
  }

  protected raw<T>(spec: RequestSpec, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.transport.request<T>(spec, options);
  }

  /** A list whose cursor is `meta.next_cursor` (with `meta.has_more`), sent back as `cursor`. */
  protected cursorList<T>(
    path: string,
    query: Record<string, QueryValue> | undefined,
    options?: RequestOptions,
  ): PagePromise<T> {
    const load = async (cursor: string | undefined): Promise<Page<T>> => {
      const response = await this.transport.request<Envelope<T[]>>(
        { method: 'GET', path, query: { ...query, ...(cursor ? { cursor } : {}) }, retry: 'idempotent' },
        options,
      );
      const { data, meta } = response.body;
      const next = meta?.next_cursor ?? null;
      const hasMore = meta?.has_more ?? next !== null;
      return new Page(data, hasMore, next, response.requestId, load);
    };
    return new PagePromise(() => load(typeof query?.cursor === 'string' ? query.cursor : undefined));
  }

  /** A list of at most one page (capped or unpaginated routes), as a page so it iterates like the others. */
  protected singlePage<T>(
    path: string,
    query?: Record<string, QueryValue>,
    options?: RequestOptions,
  ): PagePromise<T> {
    return new PagePromise(async () => {
      const response = await this.transport.request<Envelope<T[]>>(
        { method: 'GET', path, query, retry: 'idempotent' },
        options,
      );
      return new Page(
        response.body.data,
        response.body.meta?.has_more ?? false,
        null,
        response.requestId,
        null,
      );
    });
  }
}
