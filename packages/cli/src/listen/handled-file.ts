import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Ack } from './types.js';

/** How many handled ids the file keeps, and for how long: enough for a restart, small on disk. */
export const HANDLED_FILE_LIMIT = 1000;
export const HANDLED_FILE_MAX_AGE_MS = 60 * 60 * 1000;

interface Entry extends Ack {
  at: number;
}

/** What the engine asks of a persisted memory of handled messages. */
export interface HandledMemory {
  recall(id: string): Ack | undefined;
  /** Resolves once `ack` is on disk (or the write failed: then it only logs, the ack still goes). */
  remember(ack: Ack): Promise<void>;
}

export function handledPath(endpointId: string): string {
  return join(homedir(), '.hookbridge', `listen-handled-${endpointId.replace(/[^\w-]/g, '_')}.json`);
}

/**
 * The ids `hb listen` forwarded for one endpoint, on disk (0600), written after the local app answered and
 * before the acknowledgement is sent: an hb killed in between (SIGKILL, a crash) leaves the message not
 * handed over, the server sends it to the next hb, and that one finds it here and only acknowledges it
 * (with the recorded result) instead of forwarding it twice. Bounded by count and age, so a replay asked
 * for later is forwarded again.
 */
export class HandledFile implements HandledMemory {
  private readonly entries = new Map<string, Entry>();
  private writing: Promise<void> = Promise.resolve();
  private version = 0;
  private written = 0;

  constructor(
    private readonly path: string,
    private readonly onError: (message: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      return; // absent or unreadable: start empty
    }
    if (!Array.isArray(parsed)) return;
    for (const item of parsed as Entry[]) {
      if (item && typeof item.message_id === 'string' && typeof item.at === 'number') {
        this.entries.set(item.message_id, item);
      }
    }
    this.trim();
  }

  recall(id: string): Ack | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    const { at: _at, ...ack } = entry;
    return ack;
  }

  remember(ack: Ack): Promise<void> {
    this.entries.delete(ack.message_id);
    this.entries.set(ack.message_id, { ...ack, at: this.now() });
    this.trim();
    this.version++;
    // Writes run one after another; one that starts after several remembers covers them all.
    const next = this.writing.then(() => this.flush());
    this.writing = next;
    return next;
  }

  private flush(): void {
    if (this.written === this.version) return;
    const version = this.version;
    try {
      mkdirSync(join(this.path, '..'), { recursive: true, mode: 0o700 });
      const temporary = `${this.path}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify([...this.entries.values()]), { mode: 0o600 });
      chmodSync(temporary, 0o600);
      renameSync(temporary, this.path);
      this.written = version;
    } catch (error) {
      this.onError(`Could not save handled webhook ids to ${this.path}: ${(error as Error).message}`);
    }
  }

  private trim(): void {
    const oldest = this.now() - HANDLED_FILE_MAX_AGE_MS;
    for (const [id, entry] of this.entries) {
      if (this.entries.size > HANDLED_FILE_LIMIT || entry.at < oldest) this.entries.delete(id);
      else break;
    }
  }
}
