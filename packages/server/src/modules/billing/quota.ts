import { AppError } from '../../errors.js';
import type { Db } from '../../store/db.js';
import type { KeyMode } from '../api-keys/service.js';
import { addMonths, monthStart } from './months.js';
import { countLiveMessages } from './store.js';

/** How stale a project's cached monthly count may get; within it, sends counted here are added locally. */
const REFRESH_MS = 5000;

interface Entry {
  month: number;
  count: number;
  fetchedAt: number;
  refreshing: Promise<void> | null;
}

/**
 * The optional monthly message quota. The count comes from the store at most every few seconds per
 * project and is bumped locally for each send allowed meanwhile, so the check adds no query per send.
 * Several API processes each bump their own copy between refreshes, so the quota can be overshot by
 * what they accept within one refresh interval.
 */
export class QuotaGuard {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly db: Db,
    readonly monthlyQuota: number,
  ) {}

  /** Throws 429 QUOTA_EXCEEDED when a live-mode send would go over this month's quota. */
  async assertWithinQuota(projectId: string, mode: KeyMode, now = Date.now()): Promise<void> {
    if (this.monthlyQuota <= 0 || mode === 'test') return;
    const month = monthStart(now);
    let entry = this.entries.get(projectId);
    if (!entry || entry.month !== month || now - entry.fetchedAt > REFRESH_MS) {
      entry = await this.refresh(projectId, month, now);
    }
    if (entry.count >= this.monthlyQuota) {
      const retryAfter = Math.max(1, Math.ceil((addMonths(month, 1) - now) / 1000));
      throw new AppError(
        'QUOTA_EXCEEDED',
        `Monthly message quota of ${this.monthlyQuota} reached; it resets at the start of next month (UTC)`,
        { messages_per_month: this.monthlyQuota, messages_used: entry.count },
        { 'retry-after': String(retryAfter) },
      );
    }
    entry.count++;
  }

  private async refresh(projectId: string, month: number, now: number): Promise<Entry> {
    const current = this.entries.get(projectId);
    if (current?.refreshing && current.month === month) {
      await current.refreshing;
      return current;
    }
    const entry: Entry =
      current && current.month === month ? current : { month, count: 0, fetchedAt: 0, refreshing: null };
    this.entries.set(projectId, entry);
    entry.refreshing = countLiveMessages(this.db, projectId, month, addMonths(month, 1)).then((count) => {
      entry.count = count;
      entry.fetchedAt = now;
    });
    try {
      await entry.refreshing;
    } finally {
      entry.refreshing = null;
    }
    return entry;
  }
}
