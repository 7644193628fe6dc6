import { Page, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/transport.js';
import type {
  CreatedInboundEndpoint,
  CreateInboundEndpointParams,
  DeleteResult,
  InboundAttempt,
  InboundDelivery,
  InboundEndpoint,
  InboundEndpointSummary,
  InboundLogEntry,
  InboundLogsParams,
  InboundMessage,
  InboundMetrics as InboundMetricsData,
  InboundMetricsParams,
  InboundPauseState,
  InboundRejection,
  InboundReplayAllParams,
  InboundTimeseriesParams,
  ListenedMessage,
  ListenParams,
  ListInboundEndpointsParams,
  RejectionsParams,
  ReplayAllResult,
  ReplayBatchResult,
  ReplayResult,
  Timeseries,
  UpdatedInboundEndpoint,
  UpdateInboundEndpointParams,
} from '../types.js';
import { SigningKeys } from './endpoints.js';
import { Resource, seg } from './resource.js';

export class InboundEndpoints extends Resource {
  readonly signingKeys = new SigningKeys(this.transport, '/v1/inbound-endpoints');

  /** `secret_token` (and a signing secret when `signing_enabled`) are returned only here. */
  create(params: CreateInboundEndpointParams, options?: RequestOptions): Promise<CreatedInboundEndpoint> {
    return this.data(
      { method: 'POST', path: '/v1/inbound-endpoints', body: params, retry: 'unrepeatable' },
      options,
    );
  }

  list(
    params: ListInboundEndpointsParams = {},
    options?: RequestOptions,
  ): PagePromise<InboundEndpointSummary> {
    return this.cursorList('/v1/inbound-endpoints', params, options);
  }

  get(endpointId: string, options?: RequestOptions): Promise<InboundEndpoint> {
    return this.data(
      { method: 'GET', path: `/v1/inbound-endpoints/${seg(endpointId)}`, retry: 'idempotent' },
      options,
    );
  }

  update(
    endpointId: string,
    params: UpdateInboundEndpointParams,
    options?: RequestOptions,
  ): Promise<UpdatedInboundEndpoint> {
    return this.data(
      {
        method: 'PATCH',
        path: `/v1/inbound-endpoints/${seg(endpointId)}`,
        body: params,
        retry: 'idempotent',
      },
      options,
    );
  }

  delete(endpointId: string, options?: RequestOptions): Promise<DeleteResult> {
    return this.data(
      { method: 'DELETE', path: `/v1/inbound-endpoints/${seg(endpointId)}`, retry: 'idempotent' },
      options,
    );
  }

  /** New ingests are rejected until resume. */
  pause(endpointId: string, options?: RequestOptions): Promise<InboundPauseState> {
    return this.data(
      { method: 'POST', path: `/v1/inbound-endpoints/${seg(endpointId)}/pause`, retry: 'idempotent' },
      options,
    );
  }

  resume(endpointId: string, options?: RequestOptions): Promise<InboundPauseState> {
    return this.data(
      { method: 'POST', path: `/v1/inbound-endpoints/${seg(endpointId)}/resume`, retry: 'idempotent' },
      options,
    );
  }

  /**
   * One poll of a cli-mode endpoint's messages after `after` (a message id), oldest first. The page's
   * `nextCursor` is the `after` of the next poll; the server may hold an empty poll open for a while.
   */
  async listen(
    endpointId: string,
    params: ListenParams = {},
    options?: RequestOptions,
  ): Promise<Page<ListenedMessage>> {
    const response = await this.transport.request<{
      data: ListenedMessage[];
      meta: { next_cursor: string | null; has_more?: boolean };
    }>(
      {
        method: 'GET',
        path: `/v1/inbound-endpoints/${seg(endpointId)}/listen`,
        query: params,
        retry: 'idempotent',
      },
      options,
    );
    const { data, meta } = response.body;
    return new Page(data, meta.has_more ?? false, meta.next_cursor ?? null, response.requestId, (after) =>
      this.listen(endpointId, { after }, options),
    );
  }
}

export class InboundMessages extends Resource {
  get(messageId: string, options?: RequestOptions): Promise<InboundMessage> {
    return this.data(
      { method: 'GET', path: `/v1/inbound-messages/${seg(messageId)}`, retry: 'idempotent' },
      options,
    );
  }

  attempts(messageId: string, options?: RequestOptions): PagePromise<InboundAttempt> {
    return this.singlePage(`/v1/inbound-messages/${seg(messageId)}/attempts`, undefined, options);
  }

  /** The request forwarding the message would make now (signed when the endpoint signs); sends nothing. */
  delivery(messageId: string, options?: RequestOptions): Promise<InboundDelivery> {
    return this.data(
      { method: 'GET', path: `/v1/inbound-messages/${seg(messageId)}/delivery`, retry: 'idempotent' },
      options,
    );
  }

  replay(messageId: string, options?: RequestOptions): Promise<ReplayResult> {
    return this.data(
      { method: 'POST', path: `/v1/inbound-messages/${seg(messageId)}/replay`, retry: 'unrepeatable' },
      options,
    );
  }

  replayAll(params: InboundReplayAllParams, options?: RequestOptions): Promise<ReplayAllResult> {
    return this.data(
      { method: 'POST', path: '/v1/inbound-messages/replay-all', query: params, retry: 'unrepeatable' },
      options,
    );
  }

  replayBatch(messageIds: string[], options?: RequestOptions): Promise<ReplayBatchResult> {
    return this.data(
      {
        method: 'POST',
        path: '/v1/inbound-messages/replay-batch',
        body: { message_ids: messageIds },
        retry: 'unrepeatable',
      },
      options,
    );
  }
}

export class InboundLogs extends Resource {
  list(params: InboundLogsParams = {}, options?: RequestOptions): PagePromise<InboundLogEntry> {
    return this.cursorList('/v1/inbound-logs', params, options);
  }
}

export class InboundRejections extends Resource {
  list(params: RejectionsParams = {}, options?: RequestOptions): PagePromise<InboundRejection> {
    return this.cursorList('/v1/inbound-rejections', params, options);
  }
}

export class InboundMetrics extends Resource {
  get(params: InboundMetricsParams = {}, options?: RequestOptions): Promise<InboundMetricsData> {
    return this.data(
      { method: 'GET', path: '/v1/inbound-metrics', query: params, retry: 'idempotent' },
      options,
    );
  }

  timeseries(params: InboundTimeseriesParams = {}, options?: RequestOptions): Promise<Timeseries> {
    return this.data(
      { method: 'GET', path: '/v1/inbound-metrics/timeseries', query: params, retry: 'idempotent' },
      options,
    );
  }
}

/** Receiving webhooks: `hb.inbound.endpoints`, `.messages`, `.logs`, `.rejections`, `.metrics`. */
export class Inbound {
  readonly endpoints: InboundEndpoints;
  readonly messages: InboundMessages;
  readonly logs: InboundLogs;
  readonly rejections: InboundRejections;
  readonly metrics: InboundMetrics;

  constructor(transport: Resource['transport']) {
    this.endpoints = new InboundEndpoints(transport);
    this.messages = new InboundMessages(transport);
    this.logs = new InboundLogs(transport);
    this.rejections = new InboundRejections(transport);
    this.metrics = new InboundMetrics(transport);
  }
}
