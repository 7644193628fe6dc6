import type { Config } from '../../../config.js';
import { MESSAGES_CHANNEL } from '../../../delivery/channels.js';
import { INBOUND } from '../../../queues/queue-source.js';
import { type ReplayOutcome, replayMessages, replayRefusal } from '../../../queues/replay.js';
import { AppError } from '../../../errors.js';
import { isUuid } from '../../../lib/ids.js';
import { type Db, notify } from '../../../store/db.js';
import { type BulkReplay, summariseReplays } from '../../shared/bulk-replay.js';
import { listIdsByStatus } from '../../shared/queue-reads.js';
import { INBOUND_CHANNEL } from '../listen/channel.js';

/**
 * Replays of inbound messages, with the rules of outbound replay (at most 10 per message, only once
 * final, payload still retained). Forward-mode messages go back to the delivery engine; cli-mode ones
 * are offered to the CLI again.
 */
export class InboundMessageActions {
  constructor(
    private readonly db: Db,
    private readonly config: Pick<Config, 'retentionDays'>,
  ) {}

  async replay(projectId: string, id: string): Promise<void> {
    if (!isUuid(id)) throw new AppError('MESSAGE_NOT_FOUND');
    const [outcome] = await this.run(projectId, [id.toLowerCase()]);
    if (!outcome?.replayed) throw replayRefusal(INBOUND, outcome, 'replay');
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

  private async run(projectId: string, ids: string[]): Promise<ReplayOutcome[]> {
    if (ids.length === 0) return [];
    const outcomes = await replayMessages(
      this.db,
      INBOUND,
      projectId,
      ids,
      'replay',
      this.config.retentionDays,
    );
    const replayed = outcomes.filter((o) => o.replayed);
    if (replayed.some((o) => o.due_for_worker)) await notify(this.db, MESSAGES_CHANNEL);
    // Live CLI listeners hear of a cli-mode replay as of a new ingest (payload "<endpoint id> <message id>").
    const cli = replayed.filter((o) => !o.due_for_worker).map((o) => `${o.endpoint_id} ${o.id}`);
    if (cli.length > 0) {
      await this.db.query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [
        INBOUND_CHANNEL,
        cli,
      ]);
    }
    return outcomes;
  }
}
