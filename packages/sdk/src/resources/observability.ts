import { Page, PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/transport.js';
import type {
  DlqMessage,
  DlqParams,
  DlqReplayResult,
  LogsParams,
  MessageSummary,
  Metrics as MetricsData,
  MetricsParams,
  Timeseries,
  TimeseriesParams,
} from '../types.js';
import { Resource, seg } from './resource.js';

export class Logs extends Resource {
  /** Outbound messages, newest first, filtered by endpoint, status and creation time. */
  list(params: LogsParams = {}, options?: RequestOptions): PagePromise<MessageSummary> {
    return this.cursorList('/v1/logs', params, options);
  }
}

export class Dlq extends Resource {
  /** The dead-letter queue: failed_permanent messages. Its cursor lives inside `data`. */
  list(params: DlqParams = {}, options?: RequestOptions): PagePromise<DlqMessage> {
    const load = async (cursor: string | undefined): Promise<Page<DlqMessage>> => {
      const response = await this.transport.request<{
        data: { messages: DlqMessage[]; has_more: boolean; next_cursor: string | null };
      }>(
        { method: 'GET', path: '/v1/dlq/messages', query: { ...params, cursor }, retry: 'idempotent' },
        options,
      );
      const { messages, has_more, next_cursor } = response.body.data;
      return new Page(messages, has_more, next_cursor ?? null, response.requestId, load);
    };
    return new PagePromise(() => load(params.cursor));
  }

  /** Replays a failed_permanent message; DLQ replays have no limit. */
  replay(messageId: string, options?: RequestOptions): Promise<DlqReplayResult> {
    return this.data(
      { method: 'POST', path: `/v1/dlq/replay/${seg(messageId)}`, retry: 'unrepeatable' },
      options,
    );
  }
}

export class Metrics extends Resource {
  get(params: MetricsParams = {}, options?: RequestOptions): Promise<MetricsData> {
    return this.data({ method: 'GET', path: '/v1/metrics', query: params, retry: 'idempotent' }, options);
  }

  timeseries(params: TimeseriesParams = {}, options?: RequestOptions): Promise<Timeseries> {
    return this.data(
      { method: 'GET', path: '/v1/metrics/timeseries', query: params, retry: 'idempotent' },
      options,
    );
  }
}
