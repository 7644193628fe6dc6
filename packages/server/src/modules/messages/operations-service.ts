import type { Config } from '../../config.js';
import { MESSAGES_CHANNEL } from '../../delivery/channels.js';
import { OUTBOUND } from '../../queues/queue-source.js';
import { AppError } from '../../http/errors.js';
import { isUuid } from '../../lib/ids.js';
import { type Db, notify } from '../../store/db.js';
import { type BulkReplay, summariseReplays } from '../shared/bulk-replay.js';
import { listIdsByStatus } from '../shared/queue-reads.js';
import * as store from './operations-store.js';

/** Replays per message through replay, replay-all and replay-batch; DLQ replay is not limited. */
export const MAX_REPLAYS = 10;
const FINAL = ['succeeded', 'failed_permanent'];

/** What an operator does to a sent message: replay it, cancel its retries, or retry it now. */
export class MessageOperations {
  constructor(
    private readonly db: Db,
    private readonly config: Pick<Config, 'retentionDays'>,
  ) {}

  async replay(projectId: string, id: string): Promise<void> {
    await this.replayOne(projectId, id, false);
  }

  /** Replays a dead-lettered message; no replay limit. */
  async replayFromDlq(projectId: string, id: string): Promise<void> {
    await this.replayOne(projectId, id, true);
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
    return summariseReplays(unique, await this.run(projectId, unique.filter(isUuid), false));
  }

  private async replayOne(projectId: string, id: string, dlq: boolean): Promise<void> {
    const messageId = this.messageId(id);
    const [outcome] = await this.run(projectId, [messageId], dlq);
    if (!outcome?.replayed) throw refusal(outcome, dlq);
  }

  private async run(projectId: string, ids: string[], dlq: boolean): Promise<store.ReplayOutcome[]> {
    if (ids.length === 0) return [];
    const outcomes = await store.replayMessages(this.db, projectId, ids, {
      from: dlq ? ['failed_permanent'] : FINAL,
      maxReplays: dlq ? null : MAX_REPLAYS,
      retentionDays: this.config.retentionDays,
    });
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

/** Why a single replay was refused, from the message as the replay found it. */
function refusal(outcome: store.ReplayOutcome | undefined, dlq: boolean): AppError {
  if (!outcome) return new AppError('MESSAGE_NOT_FOUND');
  if (dlq && outcome.status !== 'failed_permanent') {
    return new AppError('INVALID_REQUEST', 'message is not in DLQ (must have failed_permanent status)');
  }
  switch (outcome.status) {
    case 'queued':
      return new AppError(
        'DELIVERY_IN_PROGRESS',
        'Message is queued for delivery; it cannot be replayed yet',
      );
    case 'delivering':
      return new AppError('DELIVERY_IN_PROGRESS', 'Message is being delivered; it cannot be replayed now');
    case 'pending_retry':
      return new AppError(
        'RETRY_IN_PROGRESS',
        'Message has a retry scheduled; use retry-now to deliver it at once, or cancel it first',
      );
  }
  if (!dlq && outcome.replay_count >= MAX_REPLAYS) {
    return new AppError('REPLAY_LIMIT_EXCEEDED', `Maximum of ${MAX_REPLAYS} replays per message reached`);
  }
  if (outcome.endpoint_deleted) {
    return new AppError('ENDPOINT_NOT_FOUND', "The message's endpoint was deleted; it cannot be replayed");
  }
  if (!outcome.has_payload) {
    return new AppError('PAYLOAD_UNAVAILABLE', "The message's payload was removed by payload retention");
  }
  if (outcome.expired) return new AppError('RETENTION_EXPIRED');
  // Every rule passed on the locked row yet nothing changed: not reachable, but never a silent success.
  return new AppError('INTERNAL_ERROR');
}
