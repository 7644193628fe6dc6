import { ResourceClient } from './client.js';
import { type CamelParams, type Camelize, camelize, snakeize } from './core/camel.js';
import type { Page } from './core/pagination.js';
import type { RequestOptions } from './core/transport.js';
import type * as T from './types.js';

type Listed<Key extends string, Item> = { [K in Key]: Camelize<Item>[] } & {
  hasMore: boolean;
  nextCursor: string | null;
};

function listed<Key extends string, Item>(key: Key, page: Page<Item>): Listed<Key, Item> {
  return { [key]: camelize(page.data), hasMore: page.hasMore, nextCursor: page.nextCursor } as Listed<
    Key,
    Item
  >;
}

/** `fn('24h')` and `fn({ window: '24h' })` alike: a leading scalar names the first parameter. */
function named<P extends object>(first: unknown, key: string, rest: Record<string, unknown> = {}): P {
  if (first !== null && typeof first === 'object' && !Array.isArray(first) && !(first instanceof Date))
    return first as P;
  return { ...(first === undefined ? {} : { [key]: first }), ...rest } as P;
}

// biome-ignore lint/suspicious/noExplicitAny: snake_case payloads built from camelCase input are checked by the server.
const wire = (params: object | undefined): any => snakeize(params);

export type SendInput = CamelParams<T.SendParams>;

/**
 * The HookBridge client. Resource groups (`hb.endpoints`, `hb.messages`, `hb.inbound.endpoints`, …)
 * return the API's own objects; the flat methods below are the names HookBridge's documentation uses,
 * with camelCase parameters and results (`result.messageId`, `metrics.successRate`).
 */
export class HookBridge extends ResourceClient {
  // --- Send and messages ---

  /** Queues a webhook; an idempotency key is generated when none is given. */
  async send(input: SendInput, options?: RequestOptions): Promise<Camelize<T.SendResult>>;
  async send(
    endpointId: string,
    payload: T.SendParams['payload'],
    headers?: Record<string, string>,
    idempotencyKey?: string,
  ): Promise<Camelize<T.SendResult>>;
  async send(first: SendInput | string, ...rest: unknown[]): Promise<Camelize<T.SendResult>> {
    const input: SendInput =
      typeof first === 'string'
        ? {
            endpointId: first,
            payload: rest[0] as T.SendParams['payload'],
            headers: rest[1] as Record<string, string> | undefined,
            idempotencyKey: rest[2] as string | undefined,
          }
        : first;
    const options = typeof first === 'string' ? undefined : (rest[0] as RequestOptions | undefined);
    return camelize(await this.webhooks.send(wire(input), options));
  }

  async getMessage(messageId: string, options?: RequestOptions): Promise<Camelize<T.Message>> {
    return camelize(await this.messages.get(messageId, options));
  }

  async getMessageAttempts(
    messageId: string,
    options?: RequestOptions,
  ): Promise<{ attempts: Camelize<T.Attempt>[]; hasMore: boolean }> {
    const page = await this.messages.attempts(messageId, options);
    return { attempts: camelize(page.data), hasMore: page.hasMore };
  }

  async replay(messageId: string, options?: RequestOptions): Promise<Camelize<T.ReplayResult>> {
    return camelize(await this.messages.replay(messageId, options));
  }

  async cancelRetry(messageId: string, options?: RequestOptions): Promise<Camelize<T.CancelResult>> {
    return camelize(await this.messages.cancel(messageId, options));
  }

  async retryNow(messageId: string, options?: RequestOptions): Promise<Camelize<T.RetryNowResult>> {
    return camelize(await this.messages.retryNow(messageId, options));
  }

  async replayAllMessages(
    input: CamelParams<T.ReplayAllParams> | T.MessageStatus,
    endpointId?: string,
    limit?: number,
  ): Promise<Camelize<T.ReplayAllResult>> {
    const params = named<CamelParams<T.ReplayAllParams>>(input, 'status', { endpointId, limit });
    return camelize(await this.messages.replayAll(wire(params)));
  }

  async replayBatchMessages(
    messageIds: string[],
    options?: RequestOptions,
  ): Promise<Camelize<T.ReplayBatchResult>> {
    return camelize(await this.messages.replayBatch(messageIds, options));
  }

  // --- Logs, metrics, DLQ ---

  async getLogs(
    input: CamelParams<T.LogsParams> = {},
    options?: RequestOptions,
  ): Promise<Listed<'messages', T.MessageSummary>> {
    return listed('messages', await this.logs.list(wire(input), options));
  }

  async getMetrics(
    input: CamelParams<T.MetricsParams> | T.MetricsWindow = '24h',
    endpointId?: string,
  ): Promise<Camelize<T.Metrics>> {
    return camelize(await this.metrics.get(wire(named(input, 'window', { endpointId }))));
  }

  async getTimeseriesMetrics(
    input: CamelParams<T.TimeseriesParams> | T.MetricsWindow = '24h',
    endpointId?: string,
  ): Promise<Camelize<T.Timeseries>> {
    return camelize(await this.metrics.timeseries(wire(named(input, 'window', { endpointId }))));
  }

  async getDLQMessages(
    input: CamelParams<T.DlqParams> | number = {},
    cursor?: string,
  ): Promise<Listed<'messages', T.DlqMessage>> {
    return listed('messages', await this.dlq.list(wire(named(input, 'limit', { cursor }))));
  }

  async replayFromDLQ(messageId: string, options?: RequestOptions): Promise<Camelize<T.DlqReplayResult>> {
    return camelize(await this.dlq.replay(messageId, options));
  }

  // --- API keys and projects ---

  async listAPIKeys(options?: RequestOptions): Promise<Camelize<T.ApiKey>[]> {
    return camelize(await this.apiKeys.list(options));
  }

  async createAPIKey(
    input: CamelParams<T.CreateApiKeyParams> | 'live' | 'test' = {},
    label?: string,
  ): Promise<Camelize<T.CreatedApiKey>> {
    return camelize(await this.apiKeys.create(wire(named(input, 'mode', { label }))));
  }

  async deleteAPIKey(keyId: string, options?: RequestOptions): Promise<Camelize<T.ApiKeyDeleteResult>> {
    return camelize(await this.apiKeys.delete(keyId, options));
  }

  async listProjects(options?: RequestOptions): Promise<Camelize<T.Project>[]> {
    return camelize(await this.projects.list(options));
  }

  async createProject(
    input: CamelParams<T.CreateProjectParams> | string,
    rateLimitDefault?: number,
  ): Promise<Camelize<T.Project>> {
    return camelize(await this.projects.create(wire(named(input, 'name', { rateLimitDefault }))));
  }

  async getProject(projectId: string, options?: RequestOptions): Promise<Camelize<T.Project>> {
    return camelize(await this.projects.get(projectId, options));
  }

  async updateProject(
    projectId: string,
    input: CamelParams<T.UpdateProjectParams> | string,
    rateLimitDefault?: number,
  ): Promise<Camelize<T.Project>> {
    return camelize(await this.projects.update(projectId, wire(named(input, 'name', { rateLimitDefault }))));
  }

  async deleteProject(projectId: string, options?: RequestOptions): Promise<Camelize<T.DeleteResult>> {
    return camelize(await this.projects.delete(projectId, options));
  }

  // --- Outbound endpoints and signing keys ---

  async createEndpoint(
    input: CamelParams<T.CreateEndpointParams> | string,
    description?: string,
  ): Promise<Camelize<T.CreatedEndpoint>> {
    return camelize(await this.endpoints.create(wire(named(input, 'url', { description }))));
  }

  async getEndpoint(endpointId: string, options?: RequestOptions): Promise<Camelize<T.Endpoint>> {
    return camelize(await this.endpoints.get(endpointId, options));
  }

  async listEndpoints(
    input: CamelParams<T.ListEndpointsParams> | number = {},
    cursor?: string,
  ): Promise<Listed<'endpoints', T.EndpointSummary>> {
    return listed('endpoints', await this.endpoints.list(wire(named(input, 'limit', { cursor }))));
  }

  async updateEndpoint(
    endpointId: string,
    input: CamelParams<T.UpdateEndpointParams>,
    options?: RequestOptions,
  ): Promise<Camelize<T.UpdatedEndpoint>> {
    return camelize(await this.endpoints.update(endpointId, wire(input), options));
  }

  async deleteEndpoint(endpointId: string, options?: RequestOptions): Promise<Camelize<T.DeleteResult>> {
    return camelize(await this.endpoints.delete(endpointId, options));
  }

  async pauseEndpoint(endpointId: string, options?: RequestOptions): Promise<Camelize<T.EndpointPauseState>> {
    return camelize(await this.endpoints.pause(endpointId, options));
  }

  async resumeEndpoint(
    endpointId: string,
    options?: RequestOptions,
  ): Promise<Camelize<T.EndpointResumeState>> {
    return camelize(await this.endpoints.resume(endpointId, options));
  }

  async createEndpointSigningKey(
    endpointId: string,
    options?: RequestOptions,
  ): Promise<Camelize<T.CreatedSigningKey>> {
    return camelize(await this.endpoints.signingKeys.create(endpointId, options));
  }

  async listEndpointSigningKeys(
    endpointId: string,
    options?: RequestOptions,
  ): Promise<Camelize<T.SigningKey>[]> {
    return camelize(await this.endpoints.signingKeys.list(endpointId, options));
  }

  async deleteEndpointSigningKey(
    endpointId: string,
    keyId: string,
    options?: RequestOptions,
  ): Promise<Camelize<T.DeleteResult>> {
    return camelize(await this.endpoints.signingKeys.delete(endpointId, keyId, options));
  }

  /** Adds a signing key (like createEndpointSigningKey); delete the old key once receivers have the new one. */
  async rotateEndpointSecret(
    endpointId: string,
    options?: RequestOptions,
  ): Promise<Camelize<T.CreatedSigningKey>> {
    return camelize(await this.endpoints.rotateSecret(endpointId, options));
  }

  // --- Billing ---

  async createCheckout(
    input: T.CheckoutParams | string,
    interval?: string,
  ): Promise<Camelize<{ session_id: string; checkout_url: string }>> {
    return camelize(await this.billing.checkout(named<T.CheckoutParams>(input, 'plan', { interval })));
  }

  async createPortal(input: { returnUrl?: string } | string = {}): Promise<Camelize<{ portal_url: string }>> {
    return camelize(await this.billing.portal(wire(named(input, 'returnUrl'))));
  }

  async getSubscription(options?: RequestOptions): Promise<Camelize<T.Subscription>> {
    return camelize(await this.billing.subscription(options));
  }

  async getUsageHistory(
    input: CamelParams<T.UsageHistoryParams> | number = {},
    offset?: number,
  ): Promise<{
    rows: Camelize<T.UsagePeriod>[];
    hasMore: boolean;
    offset: number;
    nextOffset: number | null;
  }> {
    const params = named<CamelParams<T.UsageHistoryParams>>(input, 'limit', { offset });
    const page = await this.billing.usageHistory(wire(params));
    return {
      rows: camelize(page.data),
      hasMore: page.hasMore,
      offset: params.offset ?? 0,
      nextOffset: page.nextCursor === null ? null : Number(page.nextCursor),
    };
  }

  async getInvoices(
    input: CamelParams<T.InvoicesParams> | number = {},
    startingAfter?: string,
  ): Promise<{ invoices: Camelize<T.Invoice>[]; hasMore: boolean }> {
    const page = await this.billing.invoices(wire(named(input, 'limit', { startingAfter })));
    return { invoices: camelize(page.data), hasMore: page.hasMore };
  }

  // --- Inbound ---

  async createInboundEndpoint(
    input: CamelParams<T.CreateInboundEndpointParams>,
    options?: RequestOptions,
  ): Promise<Camelize<T.CreatedInboundEndpoint>> {
    return camelize(await this.inbound.endpoints.create(wire(input), options));
  }

  async listInboundEndpoints(
    input: CamelParams<T.ListInboundEndpointsParams> | number = {},
    cursor?: string,
  ): Promise<Listed<'endpoints', T.InboundEndpointSummary>> {
    return listed('endpoints', await this.inbound.endpoints.list(wire(named(input, 'limit', { cursor }))));
  }

  async getInboundEndpoint(
    endpointId: string,
    options?: RequestOptions,
  ): Promise<Camelize<T.InboundEndpoint>> {
    return camelize(await this.inbound.endpoints.get(endpointId, options));
  }

  async updateInboundEndpoint(
    endpointId: string,
    input: CamelParams<T.UpdateInboundEndpointParams>,
    options?: RequestOptions,
  ): Promise<Camelize<T.UpdatedInboundEndpoint>> {
    return camelize(await this.inbound.endpoints.update(endpointId, wire(input), options));
  }

  async deleteInboundEndpoint(
    endpointId: string,
    options?: RequestOptions,
  ): Promise<Camelize<T.DeleteResult>> {
    return camelize(await this.inbound.endpoints.delete(endpointId, options));
  }

  async pauseInboundEndpoint(
    endpointId: string,
    options?: RequestOptions,
  ): Promise<Camelize<T.InboundPauseState>> {
    return camelize(await this.inbound.endpoints.pause(endpointId, options));
  }

  async resumeInboundEndpoint(
    endpointId: string,
    options?: RequestOptions,
  ): Promise<Camelize<T.InboundPauseState>> {
    return camelize(await this.inbound.endpoints.resume(endpointId, options));
  }

  async createInboundSigningKey(
    endpointId: string,
    options?: RequestOptions,
  ): Promise<Camelize<T.CreatedSigningKey>> {
    return camelize(await this.inbound.endpoints.signingKeys.create(endpointId, options));
  }

  async listInboundSigningKeys(
    endpointId: string,
    options?: RequestOptions,
  ): Promise<Camelize<T.SigningKey>[]> {
    return camelize(await this.inbound.endpoints.signingKeys.list(endpointId, options));
  }

  async deleteInboundSigningKey(
    endpointId: string,
    keyId: string,
    options?: RequestOptions,
  ): Promise<Camelize<T.DeleteResult>> {
    return camelize(await this.inbound.endpoints.signingKeys.delete(endpointId, keyId, options));
  }

  async getInboundMessage(messageId: string, options?: RequestOptions): Promise<Camelize<T.InboundMessage>> {
    return camelize(await this.inbound.messages.get(messageId, options));
  }

  async getInboundMessageAttempts(
    messageId: string,
    options?: RequestOptions,
  ): Promise<{ attempts: Camelize<T.InboundAttempt>[]; hasMore: boolean }> {
    const page = await this.inbound.messages.attempts(messageId, options);
    return { attempts: camelize(page.data), hasMore: page.hasMore };
  }

  async replayInboundMessage(messageId: string, options?: RequestOptions): Promise<Camelize<T.ReplayResult>> {
    return camelize(await this.inbound.messages.replay(messageId, options));
  }

  async replayAllInboundMessages(
    input: CamelParams<T.InboundReplayAllParams> | T.MessageStatus,
    inboundEndpointId?: string,
    limit?: number,
  ): Promise<Camelize<T.ReplayAllResult>> {
    const params = named<CamelParams<T.InboundReplayAllParams>>(input, 'status', {
      inboundEndpointId,
      limit,
    });
    return camelize(await this.inbound.messages.replayAll(wire(params)));
  }

  async replayBatchInboundMessages(
    messageIds: string[],
    options?: RequestOptions,
  ): Promise<Camelize<T.ReplayBatchResult>> {
    return camelize(await this.inbound.messages.replayBatch(messageIds, options));
  }

  async getInboundLogs(
    input: CamelParams<T.InboundLogsParams> = {},
    options?: RequestOptions,
  ): Promise<Listed<'entries', T.InboundLogEntry>> {
    return listed('entries', await this.inbound.logs.list(wire(input), options));
  }

  async getInboundMetrics(
    input: CamelParams<T.InboundMetricsParams> | T.MetricsWindow = '24h',
    inboundEndpointId?: string,
  ): Promise<Camelize<T.InboundMetrics>> {
    return camelize(await this.inbound.metrics.get(wire(named(input, 'window', { inboundEndpointId }))));
  }

  async getInboundTimeseriesMetrics(
    input: CamelParams<T.InboundTimeseriesParams> | T.MetricsWindow = '24h',
    inboundEndpointId?: string,
  ): Promise<Camelize<T.Timeseries>> {
    return camelize(
      await this.inbound.metrics.timeseries(wire(named(input, 'window', { inboundEndpointId }))),
    );
  }

  async listInboundRejections(
    input: CamelParams<T.RejectionsParams> = {},
    options?: RequestOptions,
  ): Promise<Listed<'entries', T.InboundRejection>> {
    return listed('entries', await this.inbound.rejections.list(wire(input), options));
  }

  // --- Exports ---

  async createExport(
    input: CamelParams<T.CreateExportParams> | string | Date,
    endTime?: string | Date,
    status?: T.MessageStatus,
    endpointId?: string,
  ): Promise<Camelize<T.ExportRecord>> {
    return camelize(
      await this.exports.create(wire(named(input, 'startTime', { endTime, status, endpointId }))),
    );
  }

  async listExports(options?: RequestOptions): Promise<Camelize<T.ExportRecord>[]> {
    return camelize(await this.exports.list(options));
  }

  async getExport(exportId: string, options?: RequestOptions): Promise<Camelize<T.ExportRecord>> {
    return camelize(await this.exports.get(exportId, options));
  }

  async deleteExport(exportId: string, options?: RequestOptions): Promise<Camelize<T.DeleteResult>> {
    return camelize(await this.exports.delete(exportId, options));
  }

  /** The URL of the CSV (the Location of the server's 302), not followed. */
  downloadExport(exportId: string, options?: RequestOptions): Promise<string> {
    return this.exports.download(exportId, options);
  }
}
