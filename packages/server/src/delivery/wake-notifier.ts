import type { Logger } from 'pino';
import { type Db, notify } from '../store/db.js';
import { MESSAGES_CHANNEL } from './channels.js';

/**
 * Tells workers that messages became due, at most once per `intervalMs` per process. A NOTIFY inside
 * every send transaction serialises those commits in PostgreSQL (they cannot share a WAL flush) and
 * wakes every worker per message; coalesced, a burst of sends costs one NOTIFY and one claim. The first
 * poke after a quiet spell notifies at once; pokes within the interval share one trailing NOTIFY.
 */
export class WakeNotifier {
  private lastSentAt = 0;
  private trailing: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly intervalMs = 5,
    private readonly channel = MESSAGES_CHANNEL,
  ) {}

  poke(): void {
    if (this.trailing) return;
    const wait = this.lastSentAt + this.intervalMs - Date.now();
    if (wait <= 0) {
      this.send();
      return;
    }
    this.trailing = setTimeout(() => {
      this.trailing = null;
      this.send();
    }, wait);
  }

  /** Cancels a pending trailing NOTIFY (shutdown). */
  close(): void {
    if (this.trailing) clearTimeout(this.trailing);
    this.trailing = null;
  }

  private send(): void {
    this.lastSentAt = Date.now();
    // A lost NOTIFY only delays delivery until the worker's next scheduled look (HOOKBRIDGE's idle cap).
    notify(this.db, this.channel).catch((error) => this.log.warn({ err: error }, 'waking workers failed'));
  }
}
