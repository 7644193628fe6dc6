import type { DirectDispatcher } from '../../delivery/direct-dispatch.js';
import type { ClaimedMessage } from '../../delivery/queue-store.js';
import type { Db } from '../../store/db.js';
import { type InsertedMessage, insertMessages, type LeasedEndpoint, type NewMessage } from './store.js';

interface Pending {
  message: NewMessage;
  resolve: (result: InsertedMessage | null) => void;
  reject: (error: unknown) => void;
}

/** Rows and payload bytes in one INSERT at the most. */
const MAX_ROWS = 256;
const MAX_BYTES = 4 * 1024 * 1024;

/**
 * Group commit for sends. Concurrent sends are written by one multi-row INSERT in one transaction, so
 * PostgreSQL parses, plans and flushes WAL once per batch instead of once per message; every caller
 * still gets its answer only after its row is committed. Nobody waits to form a batch: a send that
 * arrives while no write is running goes out on the next tick; sends that arrive during a write go in
 * the next one.
 *
 * With a direct dispatcher (this process runs a worker), as many rows as the worker has room for are
 * written leased to it and handed over after the commit, before the callers get their answers.
 */
export class SendBatcher {
  private queue: Pending[] = [];
  private running = 0;
  private scheduled = false;
  direct: DirectDispatcher | null = null;

  constructor(
    private readonly db: Db,
    /** Writes in flight at once; a second overlaps one batch's commit with the next batch's travel. */
    private readonly maxConcurrentWrites = 2,
  ) {}

  /** The inserted row, or null when the endpoint is not live in the project or the idempotency key is taken. */
  insert(message: NewMessage): Promise<InsertedMessage | null> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.maxConcurrentWrites) return;
    this.scheduled = true;
    // setImmediate gathers the sends whose bodies were parsed in this turn of the event loop.
    setImmediate(() => {
      this.scheduled = false;
      void this.writeNext();
    });
  }

  private async writeNext(): Promise<void> {
    const batch = this.take();
    if (batch.length === 0) return;
    this.running++;
    const direct = this.direct;
    const messages = batch.map((p) => p.message);
    const reserved = direct ? direct.reserve(messages.map((m) => m.id)) : 0;
    try {
      const inserted = await insertMessages(
        this.db,
        messages,
        direct && reserved > 0
          ? { count: reserved, workerId: direct.workerId, leaseMs: direct.leaseMs }
          : null,
      );
      const byId = new Map(inserted.rows.map((row) => [row.id, row]));
      if (direct && reserved > 0) handOver(direct, messages.slice(0, reserved), byId, inserted.endpoints);
      for (const pending of batch) pending.resolve(byId.get(pending.message.id) ?? null);
    } catch (error) {
      if (direct && reserved > 0)
        direct.handOver(
          [],
          messages.slice(0, reserved).map((m) => m.id),
          true,
        );
      for (const pending of batch) pending.reject(error);
    } finally {
      this.running--;
      if (this.queue.length > 0) this.schedule();
    }
  }

  private take(): Pending[] {
    let bytes = 0;
    let count = 0;
    while (count < this.queue.length && count < MAX_ROWS) {
      bytes += this.queue[count]!.message.sizeBytes;
      if (count > 0 && bytes > MAX_BYTES) break;
      count++;
    }
    return this.queue.splice(0, count);
  }
}

/** Gives the worker the rows written leased to it, as a claim would have returned them. */
function handOver(
  direct: DirectDispatcher,
  reserved: NewMessage[],
  byId: Map<string, InsertedMessage>,
  endpoints: LeasedEndpoint[],
): void {
  const leased: ClaimedMessage[] = [];
  const unused: string[] = [];
  const now = new Date();
  for (const message of reserved) {
    if (!byId.get(message.id)?.leased) {
      unused.push(message.id);
      continue;
    }
    leased.push({
      id: message.id,
      project_id: message.projectId,
      endpoint_id: message.endpointId,
      payload: Buffer.from(message.payload, 'utf8'),
      content_type: 'application/json',
      headers: message.headers,
      attempt_count: 0,
      fast_retry_count: 0,
      retry_base: 0,
      prior_status: 'queued',
      next_attempt_at: now,
    });
  }
  const prefetched = new Map(
    endpoints.map(({ sealed_secrets, ...target }) => [target.id, { target, sealedSecrets: sealed_secrets }]),
  );
  direct.handOver(leased, unused, false, prefetched);
}
