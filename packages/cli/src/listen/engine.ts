import WebSocket from 'ws';
import type { HandledMemory } from './handled-file.js';
import { Limiter } from './limiter.js';
import type { Ack, IncomingWebhook, PollSource } from './types.js';

/** Ids of handled messages kept to recognise one sent again after a lost acknowledgement. */
const HANDLED_MEMORY = 20_000;

export interface Timings {
  /** Tries per WebSocket (re)connection before falling back to polling; the official CLI's 3. */
  connectTries: number;
  /** First backoff between tries, doubled each time (max 30 s). */
  backoffMs: number;
  /** While polling, how often the WebSocket is tried again. */
  wsRetryMs: number;
  /** Pause after a failed poll. */
  pollRetryMs: number;
  /** Read deadline before the server's hello says its ping interval (then twice that). */
  readDeadlineMs: number;
}

export const DEFAULT_TIMINGS: Timings = {
  connectTries: 3,
  backoffMs: 1000,
  wsRetryMs: 60_000,
  pollRetryMs: 5000,
  readDeadlineMs: 60_000,
};

export interface EngineEvents {
  status(message: string): void;
  error(message: string): void;
}

export interface EngineOptions {
  streamUrl: string;
  apiKey: string;
  endpointId: string;
  userAgent: string;
  source: PollSource;
  /** Forwards (or just shows) one message; resolves with what to acknowledge. */
  handle(message: IncomingWebhook): Promise<Omit<Ack, 'message_id'>>;
  concurrency: number;
  timings: Timings;
  events: EngineEvents;
  /** Handled ids kept across processes (a SIGKILLed hb's last forwards are then not repeated). */
  memory?: HandledMemory;
}

type Frame = WebSocket.RawData;

/**
 * Frames that arrive before a reader is attached. ws can emit the first frames in the same tick as
 * `open` (they came in the packet of the 101), so a reader attached after an await would miss them.
 */
const early = new WeakMap<WebSocket, { frames: Frame[]; reader: ((data: Frame) => void) | null }>();

function attachReader(socket: WebSocket, reader: (data: Frame) => void): void {
  const state = early.get(socket)!;
  state.reader = reader;
  for (const frame of state.frames.splice(0)) reader(frame);
}

/** A refusal the server will repeat: stop rather than retry. */
export class FatalListenError extends Error {}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * WebSocket first, polling as a fallback, as the official CLI does; in addition every message is
 * acknowledged after it was handled (ack=1), reconnects resume after the last one handled, and a
 * message met again (its acknowledgement was lost with the connection) is acknowledged, not handled twice.
 */
export class ListenEngine {
  received = 0;
  private readonly handled = new Map<string, Ack>();
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly limiter: Limiter;
  private cursor: string | null = null;
  private socket: WebSocket | null = null;
  private fatal: Error | null = null;

  constructor(private readonly options: EngineOptions) {
    this.limiter = new Limiter(options.concurrency);
  }

  /** Runs until `signal` aborts (then lets handled messages finish and be acknowledged) or a fatal refusal. */
  async run(signal: AbortSignal): Promise<void> {
    const { events, timings } = this.options;
    let connection = await this.connectWithRetry(signal);
    if (!connection && !signal.aborted && !this.fatal) {
      events.status(`WebSocket unavailable, using polling fallback: ${this.lastError}`);
    } else if (connection) events.status('Connected via WebSocket (real-time)');
    while (!signal.aborted && !this.fatal) {
      if (connection) {
        const reason = await this.runSocket(connection, signal);
        connection = null;
        if (signal.aborted || this.fatal) break;
        events.status(`Connection lost (${reason}) — reconnecting…`);
        connection = await this.connectWithRetry(signal);
        if (connection) events.status('Reconnected via WebSocket');
        else if (!signal.aborted && !this.fatal)
          events.status(`Reconnect failed, switching to polling: ${this.lastError}`);
      } else {
        connection = await this.runPolling(signal, timings.wsRetryMs);
        if (connection) events.status('WebSocket reconnected, switching from polling');
      }
    }
    await this.drain();
    this.socket?.close(1000);
    if (this.fatal) throw this.fatal;
  }

  /** Waits for every message being handled, so each is acknowledged before exit. */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight.values()]);
  }

  private lastError = '';

  private streamUrl(): string {
    const url = new URL(`${this.options.streamUrl}/v1/listen`);
    url.searchParams.set('endpoint_id', this.options.endpointId);
    url.searchParams.set('ack', '1');
    if (this.cursor) url.searchParams.set('after', this.cursor);
    return url.toString();
  }

  private connectOnce(): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.streamUrl(), {
        headers: { authorization: `Bearer ${this.options.apiKey}`, 'user-agent': this.options.userAgent },
        handshakeTimeout: 10_000,
      });
      const state: { frames: Frame[]; reader: ((data: Frame) => void) | null } = { frames: [], reader: null };
      early.set(socket, state);
      socket.on('message', (data) => {
        if (state.reader) state.reader(data);
        else state.frames.push(data);
      });
      socket.once('open', () => {
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('unexpected-response', (_request, response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        response.on('end', () => {
          let message = `HTTP ${response.statusCode}`;
          try {
            const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
            if (parsed.error?.message) message = `API error (${parsed.error.code}): ${parsed.error.message}`;
          } catch {}
          const status = response.statusCode ?? 0;
          // The key or the endpoint is wrong: retrying cannot help, and polling would be refused alike.
          if (status >= 400 && status < 500 && status !== 408 && status !== 429)
            reject(
              new FatalListenError(
                status === 401 ? "invalid API key — run 'hb login' to re-authenticate" : message,
              ),
            );
          else reject(new Error(message));
          socket.terminate();
        });
      });
      socket.once('error', (error) => reject(new Error(`WebSocket connect failed: ${error.message}`)));
    });
  }

  private async connectWithRetry(signal: AbortSignal, tries = this.options.timings.connectTries) {
    let backoff = this.options.timings.backoffMs;
    for (let attempt = 1; attempt <= tries && !signal.aborted; attempt++) {
      try {
        return await this.connectOnce();
      } catch (error) {
        if (error instanceof FatalListenError) {
          this.fatal = error;
          return null;
        }
        this.lastError = (error as Error).message;
        if (attempt < tries) await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
    return null;
  }

  /** Reads one connection until it closes, errs, or stays silent past the read deadline. */
  private runSocket(socket: WebSocket, signal: AbortSignal): Promise<string> {
    this.socket = socket;
    let deadlineMs = this.options.timings.readDeadlineMs;
    return new Promise<string>((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const arm = () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => finish(`no data for ${deadlineMs} ms`, true), deadlineMs);
      };
      const finish = (reason: string, kill = false) => {
        if (timer) clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        early.get(socket)!.reader = () => {};
        socket.removeAllListeners('close');
        socket.on('error', () => {});
        if (kill) socket.terminate();
        if (this.socket === socket && kill) this.socket = null;
        resolve(reason);
      };
      const onAbort = () => finish('shutting down');
      signal.addEventListener('abort', onAbort, { once: true });
      attachReader(socket, (data) => {
        arm();
        let frame: { type?: string; ping_ms?: number; backlog?: number } & Partial<IncomingWebhook>;
        try {
          frame = JSON.parse(data.toString());
        } catch {
          return;
        }
        if (frame.type === 'ping') return;
        if (frame.type === 'hello') {
          if (typeof frame.ping_ms === 'number' && frame.ping_ms > 0) {
            deadlineMs = frame.ping_ms * 2;
            arm();
          }
          if (frame.backlog && frame.backlog > 0) this.announceBacklog(frame.backlog);
          return;
        }
        if (typeof frame.message_id === 'string')
          this.dispatch(frame as IncomingWebhook, (ack) => this.sendAck(ack));
      });
      socket.on('error', (error) => finish(error.message, true));
      socket.on('close', (code) => {
        if (this.socket === socket) this.socket = null;
        finish(`closed ${code}`);
      });
      arm();
      if (socket.readyState !== WebSocket.OPEN) finish('closed before it was read');
    });
  }

  private announceBacklog(count: number | string): void {
    this.options.events.status(
      `${count} webhook${count === 1 ? '' : 's'} arrived while you were away — delivering`,
    );
  }

  private sendAck(ack: Ack): void {
    const socket = this.socket;
    // Lost with a dead connection? The server sends the message again, and it is acknowledged then.
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    const frame =
      ack.status_code === undefined
        ? { type: 'ack', message_id: ack.message_id }
        : { type: 'delivery_result', ...ack, latency_ms: ack.latency_ms ?? 0 };
    socket.send(JSON.stringify(frame));
  }

  /** Handles a message once; a repeat is only acknowledged again (as a plain ack: no second result). */
  private dispatch(message: IncomingWebhook, acknowledge: (ack: Ack) => void): Promise<void> {
    const id = message.message_id;
    if (this.handled.has(id)) {
      acknowledge({ message_id: id });
      return Promise.resolve();
    }
    const running = this.inflight.get(id);
    if (running) return running;
    // Forwarded by an hb that died before its acknowledgement arrived: the result it had is sent now.
    const earlier = this.options.memory?.recall(id);
    if (earlier) {
      this.handled.set(id, earlier);
      if (!this.cursor || id > this.cursor) this.cursor = id;
      acknowledge(earlier);
      return Promise.resolve();
    }
    const job = this.limiter
      .run(() => this.options.handle(message))
      .catch((error: Error) => {
        this.options.events.error(`could not handle ${id}: ${error.message}`);
        return {};
      })
      .then(async (result) => {
        const ack: Ack = { message_id: id, ...result };
        await this.options.memory?.remember(ack);
        this.received++;
        this.handled.set(id, ack);
        if (this.handled.size > HANDLED_MEMORY) this.handled.delete(this.handled.keys().next().value!);
        if (!this.cursor || id > this.cursor) this.cursor = id;
        this.inflight.delete(id);
        acknowledge(ack);
      });
    this.inflight.set(id, job);
    return job;
  }

  /**
   * Long-polls with ack=1 after the resume point, handles each page, then acknowledges it. Every
   * `wsRetryMs` it tries the WebSocket once; on success it stops polling and returns the connection.
   */
  private async runPolling(signal: AbortSignal, wsRetryMs: number): Promise<WebSocket | null> {
    const { source, events, timings } = this.options;
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let found: WebSocket | null = null;
    const retry = setInterval(() => {
      if (found || stop.signal.aborted) return;
      this.connectOnce().then(
        (socket) => {
          if (stop.signal.aborted) return socket.close(1000);
          found = socket;
          stop.abort();
        },
        (error) => {
          if (error instanceof FatalListenError) {
            this.fatal = error;
            stop.abort();
          }
        },
      );
    }, wsRetryMs);
    let first = true;
    let failing = false;
    try {
      while (!stop.signal.aborted) {
        let page: Awaited<ReturnType<PollSource['poll']>>;
        try {
          page = await source.poll(this.cursor, stop.signal);
        } catch (error) {
          if (stop.signal.aborted) break;
          if (!failing) events.error(`Poll error: ${(error as Error).message}`);
          failing = true;
          await sleep(timings.pollRetryMs, stop.signal);
          continue;
        }
        if (failing) events.status('Polling again');
        failing = false;
        if (first && page.messages.length > 0)
          this.announceBacklog(`${page.messages.length}${page.hasMore ? '+' : ''}`);
        first = false;
        const acks: Ack[] = [];
        await Promise.all(page.messages.map((message) => this.dispatch(message, (ack) => acks.push(ack))));
        if (acks.length > 0) {
          try {
            await source.ack(acks);
          } catch (error) {
            // Not handed over, so the next poll lists them again, and they are acknowledged then.
            events.error(`Could not acknowledge: ${(error as Error).message}`);
          }
        }
        if (page.nextCursor && (!this.cursor || page.nextCursor > this.cursor)) this.cursor = page.nextCursor;
      }
    } finally {
      clearInterval(retry);
      signal.removeEventListener('abort', onAbort);
    }
    return found;
  }
}
