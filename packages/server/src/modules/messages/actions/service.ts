import type { Config } from '../../../config.js';
import { MESSAGES_CHANNEL } from '../../../delivery/channels.js';
import { AppError } from '../../../errors.js';
import { isUuid } from '../../../lib/ids.js';
import { OUTBOUND } from '../../../queues/queue-source.js';
import {
  type ReplayKind,
  type ReplayOutcome,
  replayMessages,
  replayRefusal,
} from '../../../queues/replay.js';
import { type Db, notify } from '../../../store/db.js';
import { type BulkReplay, summariseReplays } from '../../shared/bulk-replay.js';
import { listIdsByStatus } from '../../shared/queue-reads.js';
import * as store from './store.js';

/** What an operator does to a sent message: replay it, cancel its retries, or retry it now. */
export class MessageActions {
  constructor(
    private readonly db: Db,
    private readonly config: Pick<Config, 'retentionDays'>,
  ) {}

  async replay(projectId: string, id: string): Promise<void> {
    await this.replayOne(projectId, id, 'replay');
  }

  /** Replays a dead-lettered message; no replay limit. */
  async replayFromDlq(projectId: string, id: string): Promise<void> {
    await this.replayOne(projectId, id, 'dlq');
  }

  async cancel(projectId: string, id: string): Promise<void> {
    const messageId = this.messageId(id);
    if (await store.cancelRetry(this.db, projectId, messageId)) return;
    throw await this.notPendingRetry(projectId, messageId);
  }

  async retryNow(projectId: string, id: string): Promise<void> {
    const messageId = this.messageId(id);
    if (await store.retryNow(this.db, projectId, messageId)) {
      await notify(this.db, MESSAGES_CHANNEL);
      return;
    }
    throw await this.notPendingRetry(projectId, messageId);
  }

  /** Replays up to `limit` of the project's messages in `status` (oldest first). */
  async replayAll(
    projectId: string,
    filter: { status: string; endpointId: string | null; limit: number },
  ): Promise<BulkReplay> {
    return this.replayMany(projectId, await listIdsByStatus(this.db, OUTBOUND, projectId, filter));
  }

  /** Replays each listed message that can be; unknown and other projects' ids fail as "message not found". */
  async replayMany(projectId: string, ids: string[]): Promise<BulkReplay> {
    const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
    return summariseReplays(unique, await this.run(projectId, unique.filter(isUuid), 'replay'));
  }

  private async replayOne(projectId: string, id: string, kind: ReplayKind): Promise<void> {
    const messageId = this.messageId(id);
    const [outcome] = await this.run(projectId, [messageId], kind);
    if (!outcome?.replayed) throw replayRefusal(OUTBOUND, outcome, kind);
  }

  private async run(projectId: string, ids: string[], kind: ReplayKind): Promise<ReplayOutcome[]> {
    if (ids.length === 0) return [];
    const outcomes = await replayMessages(this.db, OUTBOUND, projectId, ids, kind, this.config.retentionDays);
    if (outcomes.some((o) => o.replayed)) await notify(this.db, MESSAGES_CHANNEL);
    return outcomes;
  }

  private messageId(id: string): string {
    if (!isUuid(id)) throw new AppError('MESSAGE_NOT_FOUND');
    return id.toLowerCase();
  }

  private async notPendingRetry(projectId: string, id: string): Promise<AppError> {
    const status = await store.findStatus(this.db, projectId, id);
    if (!status) return new AppError('MESSAGE_NOT_FOUND');
    return new AppError('INVALID_STATUS', `Message is not in pending_retry status (current: ${status})`, {
      status,
    });
  }
}
