import type { Logger } from 'pino';
import type { Db } from '../../../store/db.js';
import { ENDPOINT_GONE, INBOUND_CHANNEL } from './channel.js';
import { loadMessages, type StreamMessage } from './store.js';

/**
 * A new message for the endpoint, or `null`: something may have been missed, re-read from the store; or
 * ENDPOINT_GONE: the endpoint no longer exists.
 */
export type HubListener = (message: StreamMessage | null | typeof ENDPOINT_GONE) => void;

/**
 * Fans new cli-mode messages out to the listeners of this process. Every API process LISTENs on one
 * channel; an ingest in any process notifies them all on commit. Notifications are handled strictly in
 * arrival order, and those that arrive together are loaded with one query.
 */
export class StreamHub {
  private readonly listeners = new Map<string, Set<HubListener>>();
  private listening: Promise<() => Promise<void>> | null = null;
  private pending: string[] = [];
  private draining: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  /** Resolves once notifications are being received, so nothing committed after it can be missed. */
  async subscribe(endpointId: string, listener: HubListener): Promise<() => void> {
    if (this.closed) {
      queueMicrotask(() => listener(null));
      return () => {};
    }
    this.listening ??= this.db.listen(INBOUND_CHANNEL, (payload) => this.onNotify(payload));
    await this.listening;
    let set = this.listeners.get(endpointId);
    if (!set) {
      set = new Set();
      this.listeners.set(endpointId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(endpointId) === set) this.listeners.delete(endpointId);
    };
  }

  /** Stops listening and wakes every listener one last time (with null) so waiting requests finish. */
  async close(): Promise<void> {
    this.closed = true;
    for (const set of this.listeners.values()) for (const listener of set) listener(null);
    this.listeners.clear();
    const listening = this.listening;
    this.listening = null;
    if (listening) await (await listening)();
  }

  private onNotify(payload: string): void {
    if (this.closed) return;
    if (payload === '') {
      for (const set of this.listeners.values()) for (const listener of [...set]) listener(null);
      return;
    }
    const [endpointId, id] = payload.split(' ');
    if (id === ENDPOINT_GONE) {
      for (const listener of [...(this.listeners.get(endpointId!) ?? [])]) listener(ENDPOINT_GONE);
      return;
    }
    this.pending.push(payload);
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.filter((payload) => this.listeners.has(payload.split(' ')[0]!));
      this.pending = [];
      if (batch.length === 0) continue;
      const ids = batch.map((payload) => payload.split(' ')[1]!);
      let messages: StreamMessage[];
      try {
        messages = await loadMessages(this.db, ids);
      } catch (error) {
        this.log.error({ err: error }, 'stream hub could not load messages; listeners will re-read');
        for (const set of this.listeners.values()) for (const listener of [...set]) listener(null);
        continue;
      }
      for (const message of messages) {
        for (const listener of [...(this.listeners.get(message.endpoint_id) ?? [])]) listener(message);
      }
    }
  }
}
