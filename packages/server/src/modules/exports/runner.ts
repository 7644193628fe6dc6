import type { Logger } from 'pino';
import type { Db } from '../../store/db.js';
import type { BillingService } from '../billing/service.js';
import { writeExportFile } from './job.js';
import { inboundAvailable } from './rows.js';
import { EXPORT_TTL_MS, type ExportService } from './service.js';
import * as store from './store.js';

/** A runner that stops renewing (crashed process) loses its export to another after this. */
const LEASE_MS = 5 * 60_000;
/** Without a wake-up (an export created by another process), look for work this often. */
const POLL_MS = 5000;
const HOUSEKEEPING_MS = 60_000;

/**
 * The background loop of the API process: builds pending exports one at a time, deletes the files of
 * expired ones, and freezes last month's usage counts. Any number of processes may run one.
 */
export class ExportRunner {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private lastHousekeeping = 0;

  constructor(
    private readonly db: Db,
    private readonly exports: ExportService,
    private readonly billing: BillingService,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.exports.ensureDir();
    this.running = true;
    this.exports.onCreated = () => this.wake();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        this.woken = false;
        await this.housekeeping();
        const job = await store.claimExport(this.db, LEASE_MS);
        if (job) {
          await this.build(job);
          continue;
        }
      } catch (error) {
        this.log.error({ err: error }, 'export runner failed; retrying');
      }
      await this.sleep(POLL_MS);
    }
  }

  private async build(job: store.ExportRow): Promise<void> {
    if (job.direction === 'inbound' && !(await inboundAvailable(this.db))) {
      await store.failExport(this.db, job.id, 'Inbound messages are not stored by this server version');
      return;
    }
    try {
      const file = await writeExportFile(this.db, job, this.exports.dir, () =>
        store.extendLease(this.db, job.id, LEASE_MS),
      );
      const kept = await store.completeExport(this.db, job.id, { ...file, ttlMs: EXPORT_TTL_MS });
      if (!kept) await this.exports.removeFile(file.fileName);
    } catch (error) {
      this.log.error({ err: error, export_id: job.id }, 'export failed');
      await store.failExport(this.db, job.id, 'The export could not be written; see the server log');
    }
  }

  private async housekeeping(): Promise<void> {
    const now = Date.now();
    if (now - this.lastHousekeeping < HOUSEKEEPING_MS) return;
    this.lastHousekeeping = now;
    for (const expired of await store.expiredFiles(this.db)) {
      await this.exports.removeFile(expired.file_name);
      await store.forgetFile(this.db, expired.id);
    }
    await this.billing.freezeEndedMonth(now);
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wakeUp = null;
        resolve();
      }
      this.wakeUp = done;
    });
  }
}
