import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { SecretBox } from '../lib/secret-box.js';
import type { Db } from '../store/db.js';
import { type AttemptDeliveryOptions, attemptDelivery } from './attempt-delivery.js';
import { MESSAGES_CHANNEL } from './channels.js';
import type { DirectDispatcher, PrefetchedEndpoint } from './direct-dispatch.js';
import type { QueueSource } from '../queues/queue-source.js';
import { type Completion, CompletionWriter } from './completions.js';
import * as queue from './queue-store.js';
import { refundTokens, takeTokens } from './rate-limiter.js';

/** A rate-limited endpoint with a backlog, served on its own: its tokens are taken before its claim. */
interface Pace {
  /** When its bucket can pay for the next claim (epoch ms). */
  at: number;
  rps: number;
  burst: number;
}

/** A paced endpoint's claim waits until its bucket holds this much of a second's tokens (at least one). */
const PACE_SECONDS = 0.05;

export interface WorkerOptions {
  concurrency: number;
  batchSize: number;
  /** How long a claim holds a message before another worker may take it over. */
  leaseMs: number;
  /** Longest sleep without a wake-up, as a safety net (NOTIFY is the normal path). */
  maxIdleMs?: number;
  reapIntervalMs?: number;
  /** Told about every finished attempt (metrics). */
  onAttempt?: (completion: Completion) => void;
}

/**
 * The delivery loop: claim due messages, deliver them concurrently, record the results, sleep until
 * woken by NOTIFY or the next due time. Never polls in a busy loop.
 */
export class DeliveryWorker implements DirectDispatcher {
  readonly id = `worker_${randomBytes(6).toString('hex')}`;
  private readonly completions: CompletionWriter;
  private inFlight = 0;
  /** Slots promised to messages the send path is writing leased to this worker (direct dispatch). */
  private reserved = 0;
  /**
   * Slots the loop is claiming from the queue right now: a send reserving slots while a claim query is
   * under way must not be given the same ones (the worker would then run more than `concurrency`).
   */
  private claiming = 0;
  /**
   * Every slot was taken. The loop then claims again only once `refill` slots are free, not for each
   * finished attempt: woken per freed slot it claimed one message at a time, a statement each (on the
   * embedded store, whose queries run on the event loop, 2,800 claims for 3,000 messages).
   */
  private saturated = false;
  private readonly refill: number;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private unlisten: (() => Promise<void>) | null = null;
  private reaper: NodeJS.Timeout | null = null;
  private readonly idle = new Set<() => void>();
  /** Claimed messages being attempted or waiting for their result to be written. */
  private readonly holding = new Set<string>();
  /** A database error may have left claimed messages nobody attempts (see releaseOrphanedLeases). */
  private orphansSuspected = false;
  /**
   * Rate-limited endpoints whose bucket ran dry with messages waiting. The common claim leaves them out;
   * each is claimed on its own, only as many messages as its tokens pay for, when it can pay again.
   * Claiming them with everything else took a batch, delivered the few the bucket allowed and handed the
   * rest back, again and again (46 row updates per delivered message, measured).
   */
  private readonly paced = new Map<string, Pace>();

  constructor(
    private readonly db: Db,
    private readonly source: QueueSource,
    private readonly secretBox: SecretBox,
    private readonly attemptOptions: AttemptDeliveryOptions,
    private readonly options: WorkerOptions,
    private readonly log: Logger,
  ) {
    this.refill = Math.max(1, Math.min(options.batchSize, Math.floor(options.concurrency / 4)));
    this.completions = new CompletionWriter(db, source, this.id, log, (batch) => {
      for (const completion of batch) this.holding.delete(completion.message_id);
      // Only a scheduled retry gives the queue new work; woken for every batch, an idle worker claimed
      // (and looked up its next due time) about once per 5 ms while sends were dispatched directly.
      if (batch.some((completion) => completion.status === 'pending_retry')) this.wake();
    });
  }

  async start(): Promise<void> {
    this.running = true;
    this.unlisten = await this.db.listen(MESSAGES_CHANNEL, () => this.wake());
    const reapEvery = this.options.reapIntervalMs ?? 5000;
    this.reaper = setInterval(() => void this.reap(), reapEvery);
    this.reaper.unref();
    await this.reap();
    this.loop = this.run();
  }

  /** Stops claiming, lets the attempts in flight finish (they are bounded by the delivery timeout), records them. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.reaper) clearInterval(this.reaper);
    this.wake();
    await this.loop;
    while (this.inFlight > 0 || this.reserved > 0)
      await new Promise<void>((resolve) => this.idle.add(resolve));
    await this.completions.flush();
    await this.unlisten?.();
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  get workerId(): string {
    return this.id;
  }

  get leaseMs(): number {
    return this.options.leaseMs;
  }

  reserve(ids: string[]): number {
    // A saturated worker serves the queue first: new sends wait there in order with the rest.
    if (!this.running || this.saturated) return 0;
    const count = Math.min(
      ids.length,
      this.options.concurrency - this.inFlight - this.reserved - this.claiming,
    );
    if (count <= 0) return 0;
    this.reserved += count;
    // Tracked from before the write: releaseOrphans must never hand back a message being written leased.
    for (let i = 0; i < count; i++) this.holding.add(ids[i]!);
    return count;
  }

  handOver(
    leased: queue.ClaimedMessage[],
    unused: string[],
    failed: boolean,
    endpoints?: Map<string, PrefetchedEndpoint>,
  ): void {
    this.reserved -= unused.length;
    for (const id of unused) this.holding.delete(id);
    if (failed) {
      this.orphansSuspected = true;
      this.wake();
    }
    if (leased.length === 0) {
      this.settleIfIdle();
      return;
    }
    // The slots stay reserved until the attempts have started (and count in inFlight).
    this.dispatch(leased, false, endpoints)
      .catch((error) => {
        this.log.error({ err: error }, 'dispatching directly written messages failed');
        for (const message of leased) this.holding.delete(message.id);
        this.orphansSuspected = true;
        this.wake();
      })
      .finally(() => {
        this.reserved -= leased.length;
        this.settleIfIdle();
      });
  }

  private async run(): Promise<void> {
    while (this.running) {
      // Cleared before anything else: a wake-up that arrives from here on ends the next sleep, and one
      // that arrived earlier has been served by this pass. (Clearing it later made a saturated worker
      // spin on an already-resolved sleep and starve the event loop.)
      this.woken = false;
      try {
        if (this.orphansSuspected) await this.releaseOrphans();
        const free = this.options.concurrency - this.inFlight - this.reserved;
        if (free <= 0) {
          this.saturated = true;
          await this.sleep(this.options.maxIdleMs ?? 30_000);
          continue;
        }
        this.claiming = free;
        let claimed: queue.ClaimedMessage[];
        let limit: number;
        try {
          const room = free - (await this.servePaced(free));
          if (room <= 0) continue;
          limit = Math.min(this.options.batchSize, room);
          claimed = await queue.claimDue(this.db, this.source, limit, this.options.leaseMs, this.id, {
            except: [...this.paced.keys()],
          });
          // Dispatching counts the claimed messages in inFlight before the slots are given back.
          if (claimed.length > 0) await this.dispatch(claimed, false);
        } finally {
          this.claiming = 0;
        }
        if (claimed.length === limit) continue;
        await this.sleep(await this.idleFor(claimed.length));
      } catch (error) {
        this.orphansSuspected = true;
        this.log.error({ err: error }, 'delivery loop failed; retrying');
        // A plain timer: wake-ups must not turn a failing store into a hot loop.
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  /**
   * Claims the messages of paced endpoints whose bucket can pay again: tokens first (at most `room`), then
   * only that many messages; tokens left over when fewer were due go back, and the endpoint returns to
   * the common claim. Returns how many messages it dispatched.
   */
  private async servePaced(room: number): Promise<number> {
    let used = 0;
    for (const [endpointId, pace] of this.paced) {
      if (pace.at > Date.now() || used >= room) continue;
      const wanted = Math.min(this.options.batchSize, room - used);
      const taken = await takeTokens(this.db, endpointId, pace.rps, pace.burst, wanted);
      const claimed =
        taken.granted > 0
          ? await queue.claimDue(this.db, this.source, taken.granted, this.options.leaseMs, this.id, {
              only: endpointId,
            })
          : [];
      if (claimed.length < taken.granted) {
        await refundTokens(this.db, endpointId, pace.rps, pace.burst, taken.granted - claimed.length);
        this.paced.delete(endpointId);
      } else {
        pace.at = Date.now() + paceDelay(pace, taken.tokensLeft);
      }
      if (claimed.length > 0) {
        used += claimed.length;
        await this.dispatch(claimed, true);
      }
    }
    return used;
  }

  /**
   * Time until the next scheduled message or paced endpoint, at most maxIdleMs; a floor guards messages
   * that cannot be claimed yet.
   */
  private async idleFor(justClaimed: number): Promise<number> {
    const maxIdle = this.options.maxIdleMs ?? 30_000;
    const due = await queue.nextDueAt(this.db, this.source, [...this.paced.keys()]);
    const floor = justClaimed > 0 ? 0 : 250;
    let wait = due ? Math.max(due.getTime() - Date.now(), floor) : maxIdle;
    for (const pace of this.paced.values()) wait = Math.min(wait, Math.max(0, pace.at - Date.now()));
    return Math.min(maxIdle, wait);
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || !this.running || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  /** Starts the attempts of claimed messages; `paid`: their rate-limit tokens were taken before the claim. */
  private async dispatch(
    claimed: queue.ClaimedMessage[],
    paid: boolean,
    prefetched?: Map<string, PrefetchedEndpoint>,
  ): Promise<void> {
    const endpointIds = [...new Set(claimed.map((m) => m.endpoint_id))];
    const [targets, secrets] =
      prefetched && endpointIds.every((id) => prefetched.has(id))
        ? this.unseal(prefetched)
        : await Promise.all([
            this.source.loadTargets(this.db, endpointIds),
            this.source.loadSecrets(this.db, this.secretBox, endpointIds),
          ]);
    if (paid) this.refreshPaces(targets);
    const allowed = paid ? claimed : await this.applyRateLimits(claimed, targets);
    for (const message of allowed) {
      this.inFlight++;
      this.holding.add(message.id);
      attemptDelivery(
        message,
        targets.get(message.endpoint_id),
        secrets.get(message.endpoint_id) ?? [],
        this.attemptOptions,
      )
        .then(
          (completion) => {
            if (completion.attempt) this.options.onAttempt?.(completion);
            this.completions.add(completion);
          },
          (error) => {
            this.log.error({ err: error, message_id: message.id }, 'delivery attempt crashed');
            // Nothing will record it: hand it back to the queue now rather than when its lease runs out.
            this.holding.delete(message.id);
            this.orphansSuspected = true;
            this.wake();
          },
        )
        .finally(() => this.finished());
    }
  }

  private finished(): void {
    this.inFlight--;
    if (this.saturated && this.options.concurrency - this.inFlight - this.reserved >= this.refill) {
      this.saturated = false;
      this.wake();
    }
    this.settleIfIdle();
  }

  private settleIfIdle(): void {
    if (this.inFlight === 0 && this.reserved === 0) {
      for (const resolve of this.idle) resolve();
      this.idle.clear();
    }
  }

  /** The endpoints a send's insert read for the messages it wrote leased to this worker. */
  private unseal(
    prefetched: Map<string, PrefetchedEndpoint>,
  ): [Map<string, queue.EndpointTarget>, Map<string, string[]>] {
    const targets = new Map<string, queue.EndpointTarget>();
    const secrets = new Map<string, string[]>();
    for (const [id, { target, sealedSecrets }] of prefetched) {
      targets.set(id, target);
      secrets.set(
        id,
        sealedSecrets.map((sealed) => this.secretBox.decrypt(sealed)),
      );
    }
    return [targets, secrets];
  }

  /** A paced endpoint whose limit was changed keeps pace with the new one (or leaves the pace when lifted). */
  private refreshPaces(targets: Map<string, queue.EndpointTarget>): void {
    for (const [endpointId, pace] of this.paced) {
      const target = targets.get(endpointId);
      if (!target) continue;
      if (target.deleted || target.rate_limit_rps <= 0) this.paced.delete(endpointId);
      else Object.assign(pace, { rps: target.rate_limit_rps, burst: target.burst });
    }
  }

  /**
   * Takes tokens for rate-limited endpoints; messages beyond them go back, without spending an attempt and
   * keeping their place, and their endpoint is paced from then on.
   */
  private async applyRateLimits(
    claimed: queue.ClaimedMessage[],
    targets: Map<string, queue.EndpointTarget>,
  ): Promise<queue.ClaimedMessage[]> {
    const byEndpoint = new Map<string, queue.ClaimedMessage[]>();
    for (const message of claimed) {
      const target = targets.get(message.endpoint_id);
      if (!target || target.deleted || target.rate_limit_rps <= 0) continue;
      byEndpoint.set(message.endpoint_id, [...(byEndpoint.get(message.endpoint_id) ?? []), message]);
    }
    if (byEndpoint.size === 0) return claimed;
    const refused = new Set<string>();
    for (const [endpointId, messages] of byEndpoint) {
      const target = targets.get(endpointId)!;
      const { granted, tokensLeft } = await takeTokens(
        this.db,
        endpointId,
        target.rate_limit_rps,
        target.burst,
        messages.length,
      );
      if (granted === messages.length) continue;
      for (const message of messages.slice(granted)) refused.add(message.id);
      const pace = { at: 0, rps: target.rate_limit_rps, burst: target.burst };
      pace.at = Date.now() + paceDelay(pace, tokensLeft);
      this.paced.set(endpointId, pace);
    }
    await queue.release(this.db, this.source, [...refused], this.id);
    return claimed.filter((m) => !refused.has(m.id));
  }

  private async releaseOrphans(): Promise<void> {
    const released = await queue.releaseOrphanedLeases(this.db, this.source, this.id, [...this.holding]);
    this.orphansSuspected = false;
    if (released > 0)
      this.log.warn({ count: released }, 'requeued claimed messages this worker lost track of');
  }

  private async reap(): Promise<void> {
    try {
      const reaped = await queue.reapExpiredLeases(this.db, this.source);
      if (reaped > 0) {
        this.log.warn({ count: reaped }, 'requeued messages whose worker lease expired');
        this.wake();
      }
    } catch (error) {
      this.log.error({ err: error }, 'lease reaper failed');
    }
  }
}

/** How long until a bucket holding `tokensLeft` holds enough for a paced claim. */
function paceDelay(pace: Pace, tokensLeft: number): number {
  const capacity = Math.max(1, pace.burst || pace.rps);
  const wanted = Math.min(capacity, Math.max(1, pace.rps * PACE_SECONDS));
  return Math.max(0, Math.ceil(((wanted - tokensLeft) * 1000) / pace.rps));
}
