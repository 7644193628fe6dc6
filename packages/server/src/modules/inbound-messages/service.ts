import type { Config } from '../../config.js';
import { MESSAGES_CHANNEL } from '../../delivery/channels.js';
import { INBOUND } from '../../queues/queue-source.js';
import { AppError } from '../../http/errors.js';
import { isUuid } from '../../lib/ids.js';
import { type Db, notify } from '../../store/db.js';
import { MAX_REPLAYS } from '../messages/operations-service.js';
import { type BulkReplay, summariseReplays } from '../shared/bulk-replay.js';
import { listIdsByStatus } from '../shared/queue-reads.js';
import { INBOUND_CHANNEL } from '../stream/channel.js';
import * as store from './store.js';

/**
 * Replays of inbound messages, with the rules of outbound replay (at most 10 per message, only once
 * final, payload still retained). Forward-mode messages go back to the delivery engine; cli-mode ones
 * are offered to the CLI again.
 */
export class InboundMessageOperations {
  constructor(
    private readonly db: Db,
    private readonly config: Pick<Config, 'retentionDays'>,
  ) {}

  async replay(projectId: string, id: string): Promise<void> {
    if (!isUuid(id)) throw new AppError('MESSAGE_NOT_FOUND');
    const [outcome] = await this.run(projectId, [id.toLowerCase()]);
    if (!outcome?.replayed) throw refusal(outcome);
  }

  /** Replays up to `limit` of the project's inbound messages in `status`, oldest first. */
  async replayAll(
    projectId: string,
    filter: { status: string; endpointId: string | null; limit: number },
  ): Promise<BulkReplay> {
    return this.replayMany(projectId, await listIdsByStatus(this.db, INBOUND, projectId, filter));
  }

  /** Each listed message is replayed if it can be; unknown and other projects' ids fail as "message not found". */
  async replayMany(projectId: string, ids: string[]): Promise<BulkReplay> {
    const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
    return summariseReplays(unique, await this.run(projectId, unique.filter(isUuid)));
  }

  private async run(projectId: string, ids: string[]): Promise<store.InboundReplayOutcome[]> {
    if (ids.length === 0) return [];
    const outcomes = await store.replayInboundMessages(this.db, projectId, ids, {
      maxReplays: MAX_REPLAYS,
      retentionDays: this.config.retentionDays,
    });
    const replayed = outcomes.filter((o) => o.replayed);
    if (replayed.some((o) => o.mode === 'forward')) await notify(this.db, MESSAGES_CHANNEL);
    // Live CLI listeners hear of a cli-mode replay as of a new ingest (payload "<endpoint id> <message id>").
    const cli = replayed.filter((o) => o.mode === 'cli').map((o) => `${o.inbound_endpoint_id} ${o.id}`);
    if (cli.length > 0) {
      await this.db.query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [
        INBOUND_CHANNEL,
        cli,
      ]);
    }
    return outcomes;
  }
}

/** Why a single replay was refused, from the message as the replay found it. */
function refusal(outcome: store.InboundReplayOutcome | undefined): AppError {
  if (!outcome) return new AppError('MESSAGE_NOT_FOUND');
  if (!outcome.replayable) {
    if (outcome.status === 'pending_retry') {
      return new AppError(
        'RETRY_IN_PROGRESS',
        'Inbound message has a retry scheduled; it cannot be replayed now',
      );
    }
    const state = outcome.status === 'delivering' ? 'being delivered' : 'waiting for delivery';
    return new AppError('DELIVERY_IN_PROGRESS', `Inbound message is ${state}; it cannot be replayed now`);
  }
  if (outcome.replay_count >= MAX_REPLAYS) {
    return new AppError('REPLAY_LIMIT_EXCEEDED', `Maximum of ${MAX_REPLAYS} replays per message reached`);
  }
  if (outcome.endpoint_deleted) {
    return new AppError(
      'ENDPOINT_NOT_FOUND',
      "The message's inbound endpoint was deleted; it cannot be replayed",
    );
  }
  if (!outcome.has_payload) {
    return new AppError('PAYLOAD_UNAVAILABLE', "The message's payload was removed by payload retention");
  }
  if (outcome.expired) return new AppError('RETENTION_EXPIRED');
  // Every rule passed on the locked row yet nothing changed: not reachable, but never a silent success.
  return new AppError('INTERNAL_ERROR');
}
