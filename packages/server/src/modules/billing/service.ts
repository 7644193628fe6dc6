import type { Config } from '../../config.js';
import { toRfc3339 } from '../../lib/time.js';
import type { Db } from '../../store/db.js';
import { addMonths, isoDate, monthStart, monthsBetween } from './months.js';
import { QuotaGuard } from './quota.js';
import * as store from './store.js';

/** A month's count is frozen only once it ended this long ago, after any send still committing. */
const FREEZE_AFTER_MS = 3_600_000;

export interface UsageRow {
  period_start: string;
  period_end: string;
  message_count: number;
  overage_count: number;
  plan_limit: number | null;
}

/**
 * A self-hosted server has no paid plans: the subscription is the configured plan and quota, with real
 * usage counted from the live-mode messages of each calendar month (UTC).
 */
export class BillingService {
  readonly quota: QuotaGuard;
  private frozenUpTo = 0;

  constructor(
    private readonly db: Db,
    private readonly config: Pick<Config, 'planName' | 'monthlyMessageQuota' | 'retentionDays'>,
  ) {
    this.quota = new QuotaGuard(db, config.monthlyMessageQuota);
  }

  private get limit(): number | null {
    return this.config.monthlyMessageQuota > 0 ? this.config.monthlyMessageQuota : null;
  }

  async subscription(projectId: string, now = Date.now()) {
    const month = monthStart(now);
    const next = addMonths(month, 1);
    const used = await store.countLiveMessages(this.db, projectId, month, next);
    return {
      plan: this.config.planName,
      status: 'active',
      limits: {
        plan: this.config.planName,
        // 0 = unlimited, as in the quota setting: the SDKs declare these int, never null.
        messages_per_month: this.limit ?? 0,
        max_projects: 0,
        max_endpoints: 0,
        retention_days: this.config.retentionDays,
      },
      usage: {
        messages_used: used,
        period_start: toRfc3339(new Date(month))!,
        period_end: toRfc3339(new Date(next))!,
      },
      cancel_at_period_end: false,
      current_period_end: toRfc3339(new Date(next))!,
    };
  }

  /** Calendar months from the project's creation to now, newest first, `limit` from `offset`. */
  async usageHistory(projectId: string, page: { limit: number; offset: number }, now = Date.now()) {
    const created = (await store.projectCreatedAt(this.db, projectId))?.getTime() ?? now;
    const current = monthStart(now);
    const total = monthsBetween(Math.min(created, now), now);
    const shown = Math.max(0, Math.min(page.limit, total - page.offset));
    if (shown === 0) return { rows: [] as UsageRow[], total };
    const newest = addMonths(current, -page.offset);
    const oldest = addMonths(newest, -(shown - 1));
    const counts = await this.monthlyCounts(projectId, oldest, addMonths(newest, 1), now);
    const rows = Array.from({ length: shown }, (_, i) => {
      const month = addMonths(newest, -i);
      const count = counts.get(isoDate(month)) ?? 0;
      return {
        period_start: isoDate(month),
        period_end: isoDate(addMonths(month, 1) - 86_400_000),
        message_count: count,
        overage_count: this.limit === null ? 0 : Math.max(0, count - this.limit),
        plan_limit: this.limit,
      };
    });
    return { rows, total };
  }

  /** Ended months come from (and go to) the frozen table; the current one is always counted live. */
  private async monthlyCounts(projectId: string, from: number, to: number, now: number) {
    const counts = await store.frozenMonths(this.db, projectId, from, to);
    const missing: number[] = [];
    for (let month = from; month < to; month = addMonths(month, 1)) {
      if (!counts.has(isoDate(month))) missing.push(month);
    }
    if (missing.length === 0) return counts;
    const live = await store.countLiveMessagesByMonth(
      this.db,
      projectId,
      missing[0]!,
      addMonths(missing.at(-1)!, 1),
    );
    const freeze: Array<[string, number]> = [];
    for (const month of missing) {
      const count = live.get(isoDate(month)) ?? 0;
      counts.set(isoDate(month), count);
      if (addMonths(month, 1) + FREEZE_AFTER_MS <= now) freeze.push([isoDate(month), count]);
    }
    await store.freezeMonths(this.db, projectId, freeze);
    return counts;
  }

  /** Run periodically: freezes last month's counts for every project once the month has settled. */
  async freezeEndedMonth(now = Date.now()): Promise<void> {
    const month = monthStart(now);
    if (this.frozenUpTo >= month || now - month < FREEZE_AFTER_MS) return;
    await store.freezeMonthForAllProjects(this.db, month);
    this.frozenUpTo = month;
  }
}
