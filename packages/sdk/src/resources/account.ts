import { HookBridgeError } from '../core/errors.js';
import { Page, PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/transport.js';
import type {
  ApiKey,
  ApiKeyDeleteResult,
  CheckoutParams,
  CreateApiKeyParams,
  CreatedApiKey,
  CreateExportParams,
  CreateProjectParams,
  DeleteResult,
  ExportRecord,
  Invoice,
  InvoicesParams,
  PortalParams,
  Project,
  Subscription,
  UpdateProjectParams,
  UsageHistoryParams,
  UsagePeriod,
} from '../types.js';
import { Resource, seg } from './resource.js';

export class Exports extends Resource {
  /** Starts a CSV export job; poll `get` until `status` is `completed`, then `download`. */
  create(params: CreateExportParams, options?: RequestOptions): Promise<ExportRecord> {
    return this.data({ method: 'POST', path: '/v1/exports', body: params, retry: 'unrepeatable' }, options);
  }

  list(options?: RequestOptions): Promise<ExportRecord[]> {
    return this.data({ method: 'GET', path: '/v1/exports', retry: 'idempotent' }, options);
  }

  get(exportId: string, options?: RequestOptions): Promise<ExportRecord> {
    return this.data({ method: 'GET', path: `/v1/exports/${seg(exportId)}`, retry: 'idempotent' }, options);
  }

  delete(exportId: string, options?: RequestOptions): Promise<DeleteResult> {
    return this.data(
      { method: 'DELETE', path: `/v1/exports/${seg(exportId)}`, retry: 'idempotent' },
      options,
    );
  }

  /** The signed URL of the CSV: the `Location` of the server's 302, not followed. */
  async download(exportId: string, options?: RequestOptions): Promise<string> {
    const response = await this.raw(
      {
        method: 'GET',
        path: `/v1/exports/${seg(exportId)}/download`,
        retry: 'idempotent',
        manualRedirect: true,
      },
      options,
    );
    const location = response.headers.get('location');
    if (!location) {
      throw new HookBridgeError(`Export download answered ${response.status} without a Location`, {
        status: response.status,
        code: 'CLIENT_ERROR',
        requestId: response.requestId,
        headers: response.headers,
      });
    }
    return new URL(location, this.transport.config.baseUrl).toString();
  }
}

export class ApiKeys extends Resource {
  list(options?: RequestOptions): Promise<ApiKey[]> {
    return this.data({ method: 'GET', path: '/v1/api-keys', retry: 'idempotent' }, options);
  }

  /** The key itself is returned only here. */
  create(params: CreateApiKeyParams = {}, options?: RequestOptions): Promise<CreatedApiKey> {
    return this.data({ method: 'POST', path: '/v1/api-keys', body: params, retry: 'unrepeatable' }, options);
  }

  delete(keyId: string, options?: RequestOptions): Promise<ApiKeyDeleteResult> {
    return this.data({ method: 'DELETE', path: `/v1/api-keys/${seg(keyId)}`, retry: 'idempotent' }, options);
  }
}

export class Projects extends Resource {
  list(options?: RequestOptions): Promise<Project[]> {
    return this.data({ method: 'GET', path: '/v1/projects', retry: 'idempotent' }, options);
  }

  create(params: CreateProjectParams, options?: RequestOptions): Promise<Project> {
    return this.data({ method: 'POST', path: '/v1/projects', body: params, retry: 'unrepeatable' }, options);
  }

  get(projectId: string, options?: RequestOptions): Promise<Project> {
    return this.data({ method: 'GET', path: `/v1/projects/${seg(projectId)}`, retry: 'idempotent' }, options);
  }

  update(projectId: string, params: UpdateProjectParams, options?: RequestOptions): Promise<Project> {
    return this.data(
      { method: 'PUT', path: `/v1/projects/${seg(projectId)}`, body: params, retry: 'idempotent' },
      options,
    );
  }

  delete(projectId: string, options?: RequestOptions): Promise<DeleteResult> {
    return this.data(
      { method: 'DELETE', path: `/v1/projects/${seg(projectId)}`, retry: 'idempotent' },
      options,
    );
  }
}

export class Billing extends Resource {
  subscription(options?: RequestOptions): Promise<Subscription> {
    return this.data({ method: 'GET', path: '/v1/billing/subscription', retry: 'idempotent' }, options);
  }

  /** Monthly usage, newest first; offset-paginated. */
  usageHistory(params: UsageHistoryParams = {}, options?: RequestOptions): PagePromise<UsagePeriod> {
    const load = async (offset: number): Promise<Page<UsagePeriod>> => {
      const response = await this.transport.request<{
        data: UsagePeriod[];
        meta: { has_more: boolean; offset: number; limit: number };
      }>(
        {
          method: 'GET',
          path: '/v1/billing/usage-history',
          query: { ...params, offset },
          retry: 'idempotent',
        },
        options,
      );
      const { data, meta } = response.body;
      const next = meta.has_more ? String(meta.offset + data.length) : null;
      return new Page(data, meta.has_more, next, response.requestId, (cursor) => load(Number(cursor)));
    };
    return new PagePromise(() => load(params.offset ?? 0));
  }

  /** Invoices, Stripe-style (`starting_after`). */
  invoices(params: InvoicesParams = {}, options?: RequestOptions): PagePromise<Invoice> {
    const load = async (startingAfter: string | undefined): Promise<Page<Invoice>> => {
      const response = await this.transport.request<{ data: Invoice[]; meta: { has_more: boolean } }>(
        {
          method: 'GET',
          path: '/v1/billing/invoices',
          query: { ...params, starting_after: startingAfter },
          retry: 'idempotent',
        },
        options,
      );
      const { data, meta } = response.body;
      const last = data.at(-1) as { id?: string } | undefined;
      const next = meta.has_more && last?.id ? last.id : null;
      return new Page(data, meta.has_more, next, response.requestId, load);
    };
    return new PagePromise(() => load(params.starting_after));
  }

  /** Hosted billing only; a self-hosted server answers 501 NOT_SUPPORTED. */
  checkout(
    params: CheckoutParams,
    options?: RequestOptions,
  ): Promise<{ session_id: string; checkout_url: string }> {
    return this.data(
      { method: 'POST', path: '/v1/billing/checkout', body: params, retry: 'unrepeatable' },
      options,
    );
  }

  /** Hosted billing only; a self-hosted server answers 501 NOT_SUPPORTED. */
  portal(params: PortalParams = {}, options?: RequestOptions): Promise<{ portal_url: string }> {
    return this.data(
      { method: 'POST', path: '/v1/billing/portal', body: params, retry: 'unrepeatable' },
      options,
    );
  }
}
