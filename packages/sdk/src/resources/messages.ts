import type { PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/transport.js';
import type {
  Attempt,
  CancelResult,
  Delivery,
  Message,
  ReplayAllParams,
  ReplayAllResult,
  ReplayBatchResult,
  ReplayResult,
  RetryNowResult,
} from '../types.js';
import { Resource, seg } from './resource.js';

export class Messages extends Resource {
  get(messageId: string, options?: RequestOptions): Promise<Message> {
    return this.data({ method: 'GET', path: `/v1/messages/${seg(messageId)}`, retry: 'idempotent' }, options);
  }

  /** Every attempt, oldest first (the server caps the list at 200; `hasMore` says when it did). */
  attempts(messageId: string, options?: RequestOptions): PagePromise<Attempt> {
    return this.singlePage(`/v1/messages/${seg(messageId)}/attempts`, undefined, options);
  }

  /**
   * The request a delivery of the message would make now: the endpoint's URL, the headers signed with its
   * current keys and a fresh timestamp, and the stored body (base64). Nothing is sent or recorded.
   */
  delivery(messageId: string, options?: RequestOptions): Promise<Delivery> {
    return this.data(
      { method: 'GET', path: `/v1/messages/${seg(messageId)}/delivery`, retry: 'idempotent' },
      options,
    );
  }

  /** Counts toward the limit of 10 replays, so it is not retried after an ambiguous failure. */
  replay(messageId: string, options?: RequestOptions): Promise<ReplayResult> {
    return this.data(
      { method: 'POST', path: `/v1/messages/${seg(messageId)}/replay`, retry: 'unrepeatable' },
      options,
    );
  }

  /** Stops the retries of a pending_retry message and moves it to the DLQ. */
  cancel(messageId: string, options?: RequestOptions): Promise<CancelResult> {
    return this.data(
      { method: 'POST', path: `/v1/messages/${seg(messageId)}/cancel`, retry: 'unrepeatable' },
      options,
    );
  }

  retryNow(messageId: string, options?: RequestOptions): Promise<RetryNowResult> {
    return this.data(
      { method: 'POST', path: `/v1/messages/${seg(messageId)}/retry-now`, retry: 'unrepeatable' },
      options,
    );
  }

  replayAll(params: ReplayAllParams, options?: RequestOptions): Promise<ReplayAllResult> {
    return this.data(
      { method: 'POST', path: '/v1/messages/replay-all', query: params, retry: 'unrepeatable' },
      options,
    );
  }

  replayBatch(messageIds: string[], options?: RequestOptions): Promise<ReplayBatchResult> {
    return this.data(
      {
        method: 'POST',
        path: '/v1/messages/replay-batch',
        body: { message_ids: messageIds },
        retry: 'unrepeatable',
      },
      options,
    );
  }
}
