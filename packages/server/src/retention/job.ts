import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db } from '../store/db.js';
import { purgeExpired } from '../modules/inbound/pull/event-store.js';
import { removeExpiredEndpoints } from '../modules/inbound/endpoints/store.js';
import { QUEUES } from '../queues/queue-source.js';
import * as store from './store.js';

const BATCH = 1000;
/** Each expired endpoint takes its messages along: fewer per statement. */
const EXPIRED_ENDPOINT_BATCH = 20;

export type RetentionSettings = Pick<
  Config,
  'retentionDays' | 'metadataRetentionDays' | 'retentionIntervalMs'
>;

export interface RetentionRun {
  stamped: number;
  payloadsRemoved: number;
  messagesDeleted: number;
  /** Pull events past their endpoint's retention_days, removed with their payload. */
  pullEventsDeleted: number;
  /** Ephemeral inbound endpoints past their time, removed with their messages. */
  endpointsExpired: number;
}

/**
 * The background job that enforces payload and metadata retention: removes ephemeral inbound endpoints
 * past their time with their messages, stamps when each final message's payload expires, removes expired
 * payloads, then deletes old metadata. Every step is batched and safe to
 * run from several processes at once.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private stopping = false;

  constructor(
    private readonly db: Db,
    private readonly settings: RetentionSettings,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.stopping = false;
    this.schedule(0);
  }

  /** Stops scheduling and waits for a run in progress, which ends after its current batch. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  async runOnce(): Promise<RetentionRun> {
    const { retentionDays, metadataRetentionDays } = this.settings;
    const run: RetentionRun = {
      stamped: 0,
      payloadsRemoved: 0,
      messagesDeleted: 0,
      pullEventsDeleted: 0,
      endpointsExpired: 0,
    };
    run.endpointsExpired = await this.drain(
      () => removeExpiredEndpoints(this.db, EXPIRED_ENDPOINT_BATCH),
      EXPIRED_ENDPOINT_BATCH,
    );
    for (const queue of QUEUES) {
      run.stamped += await this.drain(() => store.stampExpiry(this.db, queue, retentionDays, BATCH));
      run.payloadsRemoved += await this.drain(() => store.removeExpiredPayloads(this.db, queue, BATCH));
      run.messagesDeleted += await this.drain(() =>
        store.removeExpiredMetadata(this.db, queue, metadataRetentionDays, BATCH),
      );
    }
    run.pullEventsDeleted = await this.drain(() => purgeExpired(this.db, BATCH));
    return run;
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then((run) => {
          if (
            run.payloadsRemoved > 0 ||
            run.messagesDeleted > 0 ||
            run.pullEventsDeleted > 0 ||
            run.endpointsExpired > 0
          )
            this.log.info(run, 'retention applied');
        })
        .catch((error) =>
          this.log.error({ err: error }, 'retention run failed; retrying at the next interval'),
        )
        .finally(() => this.schedule(this.settings.retentionIntervalMs));
    }, delayMs);
    this.timer.unref();
  }

  /** Repeats a batched step until a batch comes back short (or the job is stopping). */
  private async drain(step: () => Promise<number>, batch = BATCH): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await step();
      total += count;
      if (count < batch || this.stopping) return total;
    }
  }
}
