import type { Db } from '../../store/db.js';
import { insertMessages, type NewMessage } from './store.js';

interface Pending {
  message: NewMessage;
  resolve: (result: { id: string; held: boolean } | null) => void;
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
 */
export class SendBatcher {
  private queue: Pending[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly db: Db,
    /** Writes in flight at once; a second overlaps one batch's commit with the next batch's travel. */
    private readonly maxConcurrentWrites = 2,
  ) {}

  /** The inserted row, or null when the endpoint is not live in the project or the idempotency key is taken. */
  insert(message: NewMessage): Promise<{ id: string; held: boolean } | null> {
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
    try {
      const inserted = await insertMessages(
        this.db,
        batch.map((p) => p.message),
      );
      const byId = new Map(inserted.map((row) => [row.id, row]));
      for (const pending of batch) pending.resolve(byId.get(pending.message.id) ?? null);
    } catch (error) {
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
