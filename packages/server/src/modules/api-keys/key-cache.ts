import type { Db } from '../../store/db.js';
import type { AuthenticatedKeyRow } from './store.js';

/** NOTIFY channel naming an API key id that stopped working, or '' for "forget them all". */
export const API_KEYS_CHANNEL = 'hookbridge_api_keys';

interface Entry {
  row: AuthenticatedKeyRow;
  expiresAt: number;
}

/**
 * Recently authenticated keys by hash, so a hot client costs no lookup per request. Deleting a key (or
 * its project) sends a NOTIFY that every process applies within milliseconds; the process that deleted
 * it forgets at once. The TTL bounds staleness should a notification ever be missed (after a lost
 * LISTEN connection the listener also calls back with '', which clears everything).
 */
export class KeyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = 10_000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(hash: string): AuthenticatedKeyRow | null {
    const entry = this.entries.get(hash);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(hash);
      return null;
    }
    return entry.row;
  }

  set(hash: string, row: AuthenticatedKeyRow): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(hash, { row, expiresAt: this.now() + this.ttlMs });
  }

  forget(keyId: string): void {
    for (const [hash, entry] of this.entries) if (entry.row.id === keyId) this.entries.delete(hash);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Applies other processes' deletions. */
  listen(db: Db): Promise<() => Promise<void>> {
    return db.listen(API_KEYS_CHANNEL, (keyId) => (keyId ? this.forget(keyId) : this.clear()));
  }
}
