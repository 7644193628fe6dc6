import { AppError } from '../../../errors.js';
import type { Db } from '../../../store/db.js';
import type { InboundEndpointService } from '../endpoints/service.js';
import * as store from './store.js';

/**
 * What a listener (the hb CLI, over the WebSocket or the long-poll) reads and reports: the cli-mode
 * endpoint it names, its backlog and poll pages, and the messages it handed over or delivered locally.
 */
export class ListenService {
  constructor(
    private readonly db: Db,
    private readonly inboundEndpoints: Pick<InboundEndpointService, 'get'>,
  ) {}

  /** The project's cli-mode endpoint a listener names: 404 like any unknown id, 400 for a forward one. */
  async cliEndpoint(projectId: string, id: string | undefined) {
    if (!id) throw new AppError('INVALID_REQUEST', 'endpoint_id is required');
    const endpoint = await this.inboundEndpoints.get(projectId, id);
    if (endpoint.mode !== 'cli') {
      throw new AppError(
        'INVALID_REQUEST',
        `Inbound endpoint ${endpoint.id} is in ${endpoint.mode} mode, not cli`,
      );
    }
    return endpoint;
  }

  loadPollPage(endpointId: string, afterId: string | null, limit: number, maxBytes: number) {
    return store.loadPollPage(this.db, endpointId, afterId, limit, maxBytes);
  }

  loadNotHandedOver(endpointId: string, afterId: string | null, limit: number, maxBytes: number) {
    return store.loadNotHandedOver(this.db, endpointId, afterId, limit, maxBytes);
  }

  loadResumeBacklog(
    endpointId: string,
    resumeAfter: string,
    pageAfter: string | null,
    limit: number,
    maxBytes: number,
  ) {
    return store.loadResumeBacklog(this.db, endpointId, resumeAfter, pageAfter, limit, maxBytes);
  }

  countBacklog(endpointId: string, resumeAfter: string | null): Promise<number> {
    return store.countBacklog(this.db, endpointId, resumeAfter);
  }

  markHandedOver(ids: readonly string[]): Promise<void> {
    return store.markHandedOver(this.db, ids);
  }

  /** See store.recordDeliveryResult: the message counts as delivered whatever the local status. */
  recordDeliveryResult(
    scope: { projectId: string; endpointId: string },
    result: { messageId: string; status: number; latencyMs: number },
  ): Promise<boolean> {
    return store.recordDeliveryResult(this.db, scope, result);
  }

  acknowledge(endpointId: string, ids: readonly string[]): Promise<number> {
    return store.acknowledge(this.db, endpointId, ids);
  }
}
